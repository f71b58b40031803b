// asl-validator ships no types: what statemachines/definitions.test.ts uses of it
declare module 'asl-validator' {
  function validator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errorsText(separator?: string): string };
  export = validator;
}
