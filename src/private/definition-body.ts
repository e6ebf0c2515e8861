import { Lazy, Stack, Token } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/**
 * A chain's definition, as `sfn.DefinitionBody.fromChainable` makes it, that the workflow's
 * guard renders once for a synthesis and the documents of that synthesis reuse.
 *
 * aws-cdk-lib renders a definition (`Stack.toJsonString`, not cached) each time its
 * `DefinitionString` is resolved: to find references while preparing the app, for the template,
 * and for the tree metadata; the guard, which measures it, would be one more. The guard runs once
 * the app is prepared, when nothing changes the tree any more, so the definition it renders is the
 * one the template gets. Kept, it serves the documents of the state machine's own stack that hold
 * the definition (the template, the tree metadata). Anything else renders it afresh: a value
 * resolved by itself (`stack.resolve`, as after a synthesis), another stack's reference to it
 * (which takes an import), the app's preparation. The next synthesis's preparation drops it,
 * and that synthesis's guard renders again; a synthesis that skips validation renders as
 * aws-cdk-lib does. A value changed after a synthesis reaches the documents of the next.
 */
export class RenderedOnceDefinitionBody extends sfn.ChainDefinitionBody {
  /** The DefinitionString aws-cdk-lib makes: rendered when resolved. */
  private definitionString?: string;
  /** The DefinitionString this body gives the state machine. */
  private token?: string;
  private stack?: Stack;
  private rendered?: unknown;

  public bind(scope: Construct, sfnPrincipal: iam.IPrincipal, sfnProps: sfn.StateMachineProps, graph?: sfn.StateGraph): sfn.DefinitionConfig {
    const config = super.bind(scope, sfnPrincipal, sfnProps, graph);
    this.definitionString = config.definitionString;
    this.stack = Stack.of(scope);
    this.token = Token.asString(Lazy.uncachedAny({
      produce: (context) => {
        if (context.preparing) { this.rendered = undefined; }
        const reuse = this.rendered !== undefined && context.documentPath.length > 0 && Stack.of(context.scope) === this.stack;
        return reuse ? this.rendered : this.definitionString;
      },
    }));
    return { ...config, definitionString: this.token };
  }

  /**
   * Renders the definition of the state machine for this synthesis, as CloudFormation receives it,
   * and keeps it for the documents of the synthesis.
   *
   * @returns the rendered `DefinitionString`; undefined when the state machine's DefinitionString
   * is not this body's (the body is not bound, or the property was given another value)
   */
  public renderFor(stateMachine: sfn.StateMachine): unknown {
    this.rendered = undefined;
    const cfn = stateMachine.node.defaultChild as sfn.CfnStateMachine | undefined;
    if (this.stack === undefined || this.token === undefined || cfn?.definitionString !== this.token) { return undefined; }
    this.rendered = this.stack.resolve(this.definitionString);
    return this.rendered;
  }
}
