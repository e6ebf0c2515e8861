import { Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { invalid } from './errors';

/** A value taken from the state input, and the query language it is written in. */
export interface DynamicValue {
  /** What the state renders: a JSONPath token or a JSONata expression. */
  readonly value: string;
  readonly queryLanguage: sfn.QueryLanguage;
  /** The property it was given for, for error messages. */
  readonly property: string;
  /** The expression as the user wrote it. */
  readonly expression: string;
}

const JSONATA = /^\{%[\s\S]*%\}$/;

export const dynamicValue = {
  jsonPath(property: string, path: string): DynamicValue {
    if (!Token.isUnresolved(path) && !path.startsWith('$')) {
      invalid(property, 'must be a JSONPath starting with `$` (state input) or `$$` (context object)', JSON.stringify(path));
    }
    return { value: sfn.JsonPath.stringAt(path), queryLanguage: sfn.QueryLanguage.JSON_PATH, property, expression: path };
  },

  jsonata(property: string, expression: string): DynamicValue {
    if (!Token.isUnresolved(expression) && !JSONATA.test(expression)) {
      invalid(property, 'must be a JSONata expression written `{% ... %}`', JSON.stringify(expression));
    }
    return { value: expression, queryLanguage: sfn.QueryLanguage.JSONATA, property, expression };
  },
};

/** True for a JSONata expression string `{% ... %}`. */
export function isJsonata(value: unknown): value is string {
  return typeof value === 'string' && JSONATA.test(value);
}

/** Whether a string is or contains a JSONPath token. aws-cdk-lib throws for one inside a longer string. */
export function containsJsonPath(value: string): boolean {
  try {
    return sfn.JsonPath.isEncodedJsonPath(value);
  } catch {
    return true;
  }
}
