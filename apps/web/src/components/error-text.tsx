/** An error message announced to assistive technology; nothing when there is no error. */
export function ErrorText({ error }: { error: string | undefined }) {
  return error ? (
    <p role="alert" class="error">
      {error}
    </p>
  ) : null;
}
