/** An error the user should notice at once (role="alert"), or nothing when there is none. Text only. */
export function ErrorAlert({ message }: Readonly<{ message: string | null | undefined }>) {
  return message ? (
    <p className="error" role="alert">
      {message}
    </p>
  ) : null;
}
