// The distribution spectrum (module 5.1, 1.3): the steps from one process to many regions, and where a system falls.
import { invalid } from '../../core/options';

/** One step of the spectrum, as the course's table shows it. */
export interface SpectrumStep {
  system: string;
  machines: string;
  networkHopsPerRequest: string;
  failureModes: string;
  debugging: string;
  /** The rule `placeOnSpectrum` applies for this step. */
  placedWhen: string;
}

/** The course's spectrum, not distributed to fully distributed; `placeOnSpectrum` answers with one of these names. */
export const DISTRIBUTION_SPECTRUM: readonly SpectrumStep[] = [
  { system: 'Single process', machines: '1', networkHopsPerRequest: '0', failureModes: 'all or nothing', debugging: 'easy',
    placedWhen: 'one place, nothing talks over a network' },
  { system: 'Web server + database', machines: 'a few (2 to 9)', networkHopsPerRequest: '1-2', failureModes: 'few, easy to reason about', debugging: 'manageable',
    placedWhen: 'fewer than 10 places in one region' },
  { system: 'Microservices', machines: '10s', networkHopsPerRequest: '5-50', failureModes: 'partial, cascading', debugging: 'hard',
    placedWhen: '10 places or more in one region' },
  { system: 'Global multi-region', machines: '100s+', networkHopsPerRequest: 'many, some across oceans', failureModes: 'partitions between regions', debugging: 'very hard',
    placedWhen: 'components in two regions or more' }
];

/** One row of "your own system": a component, where it runs, how it talks to the others. */
export interface SystemComponent {
  component: string;
  runsWhere: string;
  communicatesVia: string;
}

export interface SpectrumPlace {
  /** One of `DISTRIBUTION_SPECTRUM`'s `system` names. */
  system: string;
  components: number;
  /** Distinct `runsWhere` values. */
  places: number;
  /** Distinct cloud region names (eu-west-1, us-east-2, …) found in `runsWhere`; 1 when none is named. */
  regions: number;
  /** Components that talk over a network (TCP, HTTP, gRPC, SQL, a queue, …). */
  networked: number;
}

const NETWORKED = /tcp|http|grpc|queue|kafka|amqp|network|rpc|sql/i;
const REGION = /\b([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]?\b/gi;
const COMPONENTS_MAX = 10_000;

/** Place a system on the spectrum by counting where its components run and which of them talk over a network. */
export function placeOnSpectrum(components: readonly SystemComponent[]): SpectrumPlace {
  if (!Array.isArray(components) || components.length === 0 || components.length > COMPONENTS_MAX) {
    invalid('components', Array.isArray(components) ? `${components.length} rows` : components, `1..${COMPONENTS_MAX} rows of { component, runsWhere, communicatesVia }`);
  }
  components.forEach((c, i) => {
    for (const key of ['component', 'runsWhere', 'communicatesVia'] as const) {
      if (typeof c?.[key] !== 'string') invalid(`components[${i}].${key}`, c?.[key], 'a string');
    }
  });
  const places = new Set(components.map((c) => c.runsWhere.trim().toLowerCase())).size;
  const regionNames = new Set(components.flatMap((c) => [...c.runsWhere.matchAll(REGION)].map((m) => m[1].toLowerCase())));
  const regions = Math.max(1, regionNames.size);
  const networked = components.filter((c) => NETWORKED.test(c.communicatesVia)).length;
  const [single, webDb, micro, global] = DISTRIBUTION_SPECTRUM.map((s) => s.system);
  const system = places <= 1 && networked === 0 ? single : regions >= 2 ? global : places < 10 ? webDb : micro;
  return { system, components: components.length, places, regions, networked };
}
