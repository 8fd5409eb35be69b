/**
 * Whether the signed-in screen appears because the person just signed in through the form (then
 * the focus goes to the main area, so a screen reader starts there) rather than after a reload
 * (then the page starts at the top, where the "skip to content" link is).
 */
let justSignedIn = false;

export function noteSigningIn(): void {
  justSignedIn = true;
}

export function signInFailed(): void {
  justSignedIn = false;
}

/** True once after a sign-in through the form. */
export function takeJustSignedIn(): boolean {
  const value = justSignedIn;
  justSignedIn = false;
  return value;
}
