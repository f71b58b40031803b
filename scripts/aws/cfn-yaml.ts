/**
 * A CloudFormation template written in YAML (short-form intrinsics: !Ref, !GetAtt, !Sub…) read
 * into the JSON form CloudFormation and the specification check use.
 */
import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
];

function customTags(): Tags {
  const tags: Tags = [
    { tag: '!Ref', resolve: (v: string) => ({ Ref: v }) },
    { tag: '!Condition', resolve: (v: string) => ({ Condition: v }) },
    // "Resource.Attribute" (the attribute may itself hold dots), or [Resource, Attribute]
    { tag: '!GetAtt', resolve: (v: string) => ({ 'Fn::GetAtt': [v.slice(0, v.indexOf('.')), v.slice(v.indexOf('.') + 1)] }) },
    { tag: '!GetAtt', collection: 'seq', resolve: (v) => ({ 'Fn::GetAtt': (v as { toJSON(): unknown }).toJSON() }) },
  ];
  for (const name of FUNCTIONS) {
    tags.push({ tag: `!${name}`, resolve: (v: string) => ({ [`Fn::${name}`]: v }) });
    tags.push({ tag: `!${name}`, collection: 'seq', resolve: (v) => ({ [`Fn::${name}`]: (v as { toJSON(): unknown }).toJSON() }) });
    tags.push({ tag: `!${name}`, collection: 'map', resolve: (v) => ({ [`Fn::${name}`]: (v as { toJSON(): unknown }).toJSON() }) });
  }
  return tags;
}

export function readCfnYaml(path: string): Record<string, unknown> {
  return parse(readFileSync(path, 'utf8'), { customTags: customTags(), merge: true }) as Record<string, unknown>;
}
