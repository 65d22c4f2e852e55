/**
 * The fields that say how to reach an agent (name, host, port, token), shared by Add location and
 * Remote servers → Edit; `tokenOptional` lets an edit keep the stored token.
 */
export interface ConnectionFieldValues {
  name: string;
  host: string;
  port: string;
  token: string;
}

type Edit = (key: keyof ConnectionFieldValues) => (event: { target: { value: string } }) => void;

/** The port typed, or null when it is not a TCP port. */
export function portNumber(text: string): number | null {
  const port = Number(text);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : null;
}

export function ConnectionFields({ fields, edit, tokenOptional = false }: Readonly<{ fields: ConnectionFieldValues; edit: Edit; tokenOptional?: boolean }>) {
  return (
    <>
      <label>
        Name
        <input value={fields.name} onChange={edit('name')} required maxLength={64} autoComplete="off" />
      </label>
      <label>
        Host
        <input value={fields.host} onChange={edit('host')} required maxLength={253} autoComplete="off" spellCheck={false} />
      </label>
      <label>
        Port
        <input value={fields.port} onChange={edit('port')} required inputMode="numeric" />
      </label>
      <label>
        Token
        {tokenOptional ? (
          <input value={fields.token} onChange={edit('token')} type="password" autoComplete="off" placeholder="leave blank to keep the stored token" />
        ) : (
          <input value={fields.token} onChange={edit('token')} required type="password" autoComplete="off" />
        )}
      </label>
    </>
  );
}
