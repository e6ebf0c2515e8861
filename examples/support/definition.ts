/**
 * Reads a state machine definition out of a synthesized template, as Step Functions receives
 * it: the `Fn::Join` around it is evaluated with the pseudo parameters and attributes given
 * (`AWS::Partition` is `aws` unless said otherwise). Other references are written `{{Ref:Id}}`
 * or `{{GetAtt:Id.Attribute}}`.
 */
export function stateMachineDefinitions(template: any, refs: { [ref: string]: string } = {}): { [logicalId: string]: any } {
  const values = { 'AWS::Partition': 'aws', ...refs };
  const definitions: { [logicalId: string]: any } = {};
  for (const [id, resource] of Object.entries<any>(template.Resources ?? {})) {
    if (resource.Type === 'AWS::StepFunctions::StateMachine') {
      definitions[id] = JSON.parse(evaluate(resource.Properties.DefinitionString, values));
    }
  }
  return definitions;
}

function evaluate(value: any, refs: { [ref: string]: string }): string {
  if (typeof value === 'string') { return value; }
  if (value.Ref !== undefined) { return refs[value.Ref] ?? `{{Ref:${value.Ref}}}`; }
  if (value['Fn::GetAtt'] !== undefined) {
    const key = value['Fn::GetAtt'].join('.');
    return refs[key] ?? `{{GetAtt:${key}}}`;
  }
  if (value['Fn::ImportValue'] !== undefined) { return `{{Import:${value['Fn::ImportValue']}}}`; }
  if (value['Fn::Join'] !== undefined) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map((part: any) => evaluate(part, refs)).join(separator);
  }
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
}
