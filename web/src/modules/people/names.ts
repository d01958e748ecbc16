interface Named {
  givenName: string | null;
  fatherName: string | null;
  familyName: string | null;
  givenNameAr: string | null;
  fatherNameAr: string | null;
  familyNameAr: string | null;
}

const join = (parts: (string | null)[]) => parts.filter((p) => p && p.trim()).join(' ');

/** "Given Family", with the father's name after "s/o"-style separator left to the caller. */
export function latinName(p: Named): string {
  return join([p.givenName, p.familyName]);
}

export function arabicName(p: Named): string {
  return join([p.givenNameAr, p.familyNameAr]);
}

export function fatherLatin(p: Named): string {
  return p.fatherName?.trim() ?? '';
}

export function fatherArabic(p: Named): string {
  return p.fatherNameAr?.trim() ?? '';
}
