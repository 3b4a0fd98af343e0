import fc from 'fast-check';
import { it } from 'vitest';
import { generatedDocumentsAreValid, roundTripsThroughYamlAndJson } from './estate.props.ts';

it('random valid estates are accepted', () => {
  fc.assert(generatedDocumentsAreValid, { numRuns: 200, seed: 20261125 });
});

it('random valid estates round-trip through YAML and JSON', () => {
  fc.assert(roundTripsThroughYamlAndJson, { numRuns: 200, seed: 20261125 });
});
