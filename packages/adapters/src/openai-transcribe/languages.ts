/** OpenAI's verbose_json reports languages by English name ('english'); the rest of the system uses ISO 639-1. */
const NAMES: Record<string, string> = {
  english: 'en',
  russian: 'ru',
  ukrainian: 'uk',
  german: 'de',
  french: 'fr',
  spanish: 'es',
  italian: 'it',
  portuguese: 'pt',
  polish: 'pl',
  dutch: 'nl',
  turkish: 'tr',
  japanese: 'ja',
  chinese: 'zh',
  korean: 'ko',
  arabic: 'ar',
  hindi: 'hi',
  czech: 'cs',
  swedish: 'sv',
  finnish: 'fi',
  greek: 'el',
  hebrew: 'he',
  kazakh: 'kk',
  belarusian: 'be',
  indonesian: 'id',
  vietnamese: 'vi',
  persian: 'fa',
  romanian: 'ro',
};

export function toIsoLanguage(lang: string | null | undefined): string | null {
  if (!lang) return null;
  const l = lang.trim().toLowerCase();
  if (/^[a-z]{2,3}(-[a-z0-9]+)?$/.test(l) && !NAMES[l]) return l.split('-')[0]!;
  return NAMES[l] ?? l;
}
