/** Reusable properties of estate parsing, applied in estate.props.test.ts. */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { estateDocumentArbitrary } from './arbitraries.ts';
import { parseEstate } from './parse.ts';

/** A valid document survives YAML and JSON and normalises to the same estate either way. */
export const roundTripsThroughYamlAndJson = fc.property(estateDocumentArbitrary(), (doc) => {
  const fromYaml = parseEstate(stringify(doc), 'yaml');
  const fromJson = parseEstate(JSON.stringify(doc, null, 2), 'json');
  if (!fromYaml.ok || !fromJson.ok) return false;
  return JSON.stringify(fromYaml.value) === JSON.stringify(fromJson.value);
});

/** Every generated document is valid: the arbitrary is a faithful source of good estates. */
export const generatedDocumentsAreValid = fc.property(
  estateDocumentArbitrary(),
  (doc) => parseEstate(JSON.stringify(doc), 'json').ok,
);
