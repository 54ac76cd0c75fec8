import snowball from 'snowball-stemmers';

/*
 * Stemming per language with the Snowball stemmers (snowball-stemmers: the JS port of the
 * Snowball project's algorithms). A word is stemmed by the video's language when the word is in
 * that language's script; a word in another script (an English term in a Russian video, a
 * Russian word in an English one) uses the stemmer of its own script. Unknown languages fall
 * back to English for Latin script and Russian for Cyrillic.
 */

/** Names the text the full-text index stores; an index built under another scheme is rebuilt. */
export const TEXT_SCHEME = 'snowball-1';

/** ISO 639-1 code → Snowball algorithm. */
const ALGORITHMS: Readonly<Record<string, string>> = {
  ar: 'arabic',
  hy: 'armenian',
  eu: 'basque',
  ca: 'catalan',
  cs: 'czech',
  da: 'danish',
  nl: 'dutch',
  en: 'english',
  fi: 'finnish',
  fr: 'french',
  de: 'german',
  hu: 'hungarian',
  it: 'italian',
  ga: 'irish',
  no: 'norwegian',
  nb: 'norwegian',
  nn: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  es: 'spanish',
  sl: 'slovene',
  sv: 'swedish',
  ta: 'tamil',
  tr: 'turkish',
};

type Script = 'latin' | 'cyrillic' | 'arabic' | 'armenian' | 'tamil' | 'other';

const SCRIPT_OF_ALGORITHM: Readonly<Record<string, Script>> = {
  arabic: 'arabic',
  armenian: 'armenian',
  russian: 'cyrillic',
  tamil: 'tamil',
};

/** The stemmer for a word of each script when the video's language is not in that script. */
const DEFAULT_FOR_SCRIPT: Readonly<Partial<Record<Script, string>>> = {
  latin: 'english',
  cyrillic: 'russian',
  arabic: 'arabic',
  armenian: 'armenian',
  tamil: 'tamil',
};

function scriptOf(word: string): Script {
  const c = word.codePointAt(0) ?? 0;
  if (c < 0x250) return 'latin';
  if (c >= 0x400 && c < 0x530) return 'cyrillic';
  if (c >= 0x530 && c < 0x590) return 'armenian';
  if (c >= 0x600 && c < 0x700) return 'arabic';
  if (c >= 0xb80 && c < 0xc00) return 'tamil';
  return 'other';
}

/** 'en', 'en-US', 'ru_RU', 'English' → the Snowball algorithm, or null when none fits. */
export function algorithmFor(language: string | null | undefined): string | null {
  if (!language) return null;
  const l = language.trim().toLowerCase();
  const code = l.split(/[-_]/)[0] ?? '';
  if (ALGORITHMS[code]) return ALGORITHMS[code]!;
  return snowball.algorithms().includes(l) ? l : null;
}

const stemmers = new Map<string, snowball.Stemmer>();
const caches = new Map<string, Map<string, string>>();

function stemWith(algorithm: string, word: string): string {
  let cache = caches.get(algorithm);
  if (!cache) {
    cache = new Map();
    caches.set(algorithm, cache);
  }
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  let s = stemmers.get(algorithm);
  if (!s) {
    s = snowball.newStemmer(algorithm);
    stemmers.set(algorithm, s);
  }
  const stem = s.stem(word) || word;
  if (cache.size > 50_000) cache.clear();
  cache.set(word, stem);
  return stem;
}

/**
 * Stems one lower-cased word for a video in `language`. Numbers and words of scripts without a
 * stemmer (CJK, Greek, …) stay whole.
 */
export function stem(word: string, language?: string | null): string {
  if (word.length < 3) return word;
  const script = scriptOf(word);
  if (script === 'latin' && /^\p{N}+$/u.test(word)) return word;
  const key = `${language ?? ''}|${script}`;
  let algorithm = resolved.get(key);
  if (algorithm === undefined) {
    const wanted = algorithmFor(language);
    algorithm =
      (wanted && (SCRIPT_OF_ALGORITHM[wanted] ?? 'latin') === script ? wanted : DEFAULT_FOR_SCRIPT[script]) ??
      null;
    resolved.set(key, algorithm);
  }
  return algorithm ? stemWith(algorithm, word) : word;
}

/** (language, script) → algorithm: resolved once, as stem() runs for every word of every passage. */
const resolved = new Map<string, string | null>();
