import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { placeOnto } from '../consolidation/index.ts';
import type { Estate } from '../estate/types.ts';
import { type PlaceOnTop, placeAtFullHeadroom, placeOntoFast } from './capacity.ts';
import {
  arbitraryEstate,
  capacityHolds,
  conservation,
  findingsAndVerdicts,
  scheduleHolds,
  verdicts,
} from './dr.props.ts';
import { evaluateDrWith } from './evaluate.ts';

const NOW = '2026-11-25';

/** The consolidation engine's own `placeOnto`, the reference the fast placement must match. */
const placeWithPlaceOnto: PlaceOnTop = (estate, machines, existing) => {
  const load = new Map([...existing].map(([k, v]) => [k, [...v]]));
  return {
    place: (guests) => {
      const r = placeOnto(estate, machines, load, guests, {
        headroom: 1,
        antiAffinity: true,
        separateRoles: false,
      });
      return { placed: new Map(r.placements.map((p) => [p.workload, p.host])), unfit: r.unfit };
    },
    commit: (workload, machine) => load.set(machine, [...(load.get(machine) ?? []), workload.id]),
  };
};

const placers: [string, PlaceOnTop][] = [
  ['fast placement', placeAtFullHeadroom],
  ['placeOnto', placeWithPlaceOnto],
];

const shuffled = (estate: Estate, keys: readonly number[]): Estate => {
  const order = estate.workloads.map((w, i) => ({ w, k: keys[i % Math.max(1, keys.length)]! * 1000 + i }));
  order.sort((a, b) => a.k - b.k);
  return { ...estate, workloads: order.map((o) => o.w) };
};

describe.each(placers)('DR properties with %s', (_, place) => {
  const run = (estate: Estate) => evaluateDrWith(estate, { now: NOW }, place);

  test.prop([arbitraryEstate])(
    'every lost workload is restarted once or reported not restarted',
    (estate) => {
      conservation(estate, run(estate));
    },
  );

  test.prop([arbitraryEstate])(
    'restarts respect dependencies, detection, boot time and concurrency',
    (estate) => {
      scheduleHolds(estate, run(estate));
    },
  );

  test.prop([arbitraryEstate])('no recovery machine is filled past its capacity', (estate) => {
    capacityHolds(estate, run(estate));
  });

  test.prop([arbitraryEstate])(
    'findings come from the registry and verdicts match their figures',
    (estate) => {
      findingsAndVerdicts(run(estate));
    },
  );

  test.prop([arbitraryEstate])('deterministic', (estate) => {
    expect(run(estate)).toEqual(run(estate));
  });

  test.prop([arbitraryEstate, fc.array(fc.nat(1000), { minLength: 1, maxLength: 30 })])(
    'the verdicts do not depend on the order of the workloads',
    (estate, keys) => {
      expect(verdicts(run(shuffled(estate, keys)))).toEqual(verdicts(run(estate)));
    },
  );
});

test.prop([arbitraryEstate, fc.nat(3)])('the fast placement decides exactly as placeOnto', (estate, k) => {
  const site = estate.sites[k % estate.sites.length]!.id;
  const machines = estate.machines.filter((m) => m.site === site && m.role === 'hypervisor');
  const existing = new Map<string, string[]>();
  for (const w of estate.workloads) {
    if (w.site !== site && w.currentHost !== null)
      existing.set(w.currentHost, [...(existing.get(w.currentHost) ?? []), w.id]);
  }
  const guests = estate.workloads.filter((w) => w.site === site);
  const options = { headroom: 1, antiAffinity: true, separateRoles: k % 2 === 0 };
  expect(placeOntoFast(estate, machines, existing, guests, options)).toEqual(
    placeOnto(estate, machines, existing, guests, options),
  );
});
