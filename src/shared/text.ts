/**
 * Folding for search: lower-case, Latin accents removed, Arabic-script letters of Dari, Pashto
 * and Urdu brought to one form (ي/ی/ې/ۍ → ی, ك/ک/ګ → ک …), diacritics and tatweel removed.
 */
const ARABIC_FOLD: Record<string, string> = {
  'ي': 'ی', 'ى': 'ی', 'ې': 'ی', 'ۍ': 'ی', 'ئ': 'ی', 'ے': 'ی',
  'ك': 'ک', 'ګ': 'گ', 'ڪ': 'ک',
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا',
  'ة': 'ه', 'ۀ': 'ه', 'ہ': 'ه', 'ھ': 'ه',
  'ؤ': 'و',
  'ټ': 'ت', 'ٹ': 'ت', 'ډ': 'د', 'ڈ': 'د', 'ړ': 'ر', 'ڑ': 'ر', 'ږ': 'ژ', 'ښ': 'ش', 'ځ': 'ز', 'څ': 'چ', 'ڼ': 'ن', 'ں': 'ن',
  '٠': '0', '١': '1', '٢': '2', '٣': '3', '٤': '4', '٥': '5', '٦': '6', '٧': '7', '٨': '8', '٩': '9',
  '۰': '0', '۱': '1', '۲': '2', '۳': '3', '۴': '4', '۵': '5', '۶': '6', '۷': '7', '۸': '8', '۹': '9',
};

export function foldForSearch(s: string | null | undefined): string {
  if (!s) return '';
  let out = '';
  for (const ch of s.normalize('NFKD')) {
    const code = ch.charCodeAt(0);
    if ((code >= 0x0300 && code <= 0x036f) || (code >= 0x064b && code <= 0x065f) || code === 0x0670 || code === 0x0640) continue;
    out += ARABIC_FOLD[ch] ?? ch;
  }
  return out.toLowerCase().replace(/[\u200c\u200d]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
