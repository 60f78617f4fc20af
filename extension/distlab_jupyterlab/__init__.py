"""distlab's JupyterLab extension: the prebuilt labextension ships as package data."""

__version__ = "0.1.0"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "@distlab/jupyterlab"}]
