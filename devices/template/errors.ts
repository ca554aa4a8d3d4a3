/** The errors a template raises: at compile time (syntax, unknown filter), at render time, and past a budget. */

/** A template hearth cannot use: bad syntax or a filter, test or function it does not provide. */
export class TemplateError extends Error {
  constructor(readonly source: string, readonly reason: string) {
    super(`cannot use template ${JSON.stringify(source)}: ${reason}`);
    this.name = "TemplateError";
  }
}

/** A syntax error at a position of the source (wrapped into a TemplateError by the compiler). */
export class TemplateSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = "TemplateSyntaxError";
  }
}

/** A render that failed on its values (an undefined attribute, a type error, `int` of a non-number without default). */
export class TemplateRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateRenderError";
  }
}

/** A render that ran past its step or size budget (`TemplateBudget`). */
export class TemplateBudgetError extends TemplateRenderError {
  constructor(message: string) {
    super(message);
    this.name = "TemplateBudgetError";
  }
}
