import { Lazy, Stack, Token } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/**
 * A chain's definition, as `sfn.DefinitionBody.fromChainable` makes it, that the workflow's
 * guard renders once for a synthesis and the rest of that synthesis reuses.
 *
 * aws-cdk-lib renders a definition (`Stack.toJsonString`, not cached) each time its
 * `DefinitionString` is resolved: to find references while preparing the app, for the tree
 * metadata, and for the template; the guard, which measures it, would be one more. The guard runs
 * once the app is prepared, when nothing changes the tree any more, so the definition it renders is
 * the one the template gets: kept, it serves the tree metadata and the template. The next
 * synthesis drops it when it prepares the app (the only resolution that is `preparing`), and its
 * guard renders again; a synthesis that skips validation renders as aws-cdk-lib does.
 */
export class RenderedOnceDefinitionBody extends sfn.ChainDefinitionBody {
  private definitionString?: string;
  private stack?: Stack;
  private rendered?: unknown;

  /** @param chainable the states of the state machine */
  constructor(chainable: sfn.IChainable) {
    super(chainable);
  }

  public bind(scope: Construct, sfnPrincipal: iam.IPrincipal, sfnProps: sfn.StateMachineProps, graph?: sfn.StateGraph): sfn.DefinitionConfig {
    const config = super.bind(scope, sfnPrincipal, sfnProps, graph);
    this.definitionString = config.definitionString;
    this.stack = Stack.of(scope);
    return {
      ...config,
      definitionString: Token.asString(Lazy.uncachedAny({
        produce: (context) => {
          if (context.preparing) { this.rendered = undefined; }
          return this.rendered ?? this.definitionString;
        },
      })),
    };
  }

  /**
   * Renders the definition for this synthesis, as CloudFormation receives it, and keeps it for the
   * rest of the synthesis.
   *
   * @returns the rendered `DefinitionString`, or undefined before the body is bound
   */
  public render(): unknown {
    if (this.stack === undefined) { return undefined; }
    this.rendered = undefined;
    this.rendered = this.stack.resolve(this.definitionString);
    return this.rendered;
  }
}
