// One CLI command: takes its own argv (after the command name), writes to stdout,
// throws UserError for bad usage or input; returns an exit code (0 when omitted).
export type Command = (argv: string[]) => Promise<number | void>;
