"""distlab's JupyterLab extension: the prebuilt labextension ships as package data;
a small server extension keeps each user's progress (see progress.py, handlers.py) and
exports reports from the lab (report_handler.py)."""

__version__ = "0.1.0"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "@distlab/jupyterlab"}]


def _jupyter_server_extension_points():
    return [{"module": "distlab_jupyterlab"}]


def _load_jupyter_server_extension(server_app):
    from .handlers import setup_handlers
    from .report_handler import setup_report_handler

    setup_handlers(server_app)
    setup_report_handler(server_app)
