import { InvalidInputError } from '@llm-rag-yt/orchestrator';
import { stem } from './stemming.ts';

/*
 * User text → safe full-text queries. Questions arrive from chat users and contain anything
 * (quotes, '*', ':', '-', parentheses, NEAR, AND/OR, emoji, Cyrillic). We never pass them
 * through: we extract words and build the query ourselves, so syntax errors are impossible.
 */

/** The question has no searchable words. Shown to the user as is. */
export class EmptyQuestionError extends InvalidInputError {
  constructor(question: string) {
    super(
      question.trim() === ''
        ? 'The question is empty. Ask something about the indexed videos, e.g. "what is attention in transformers?"'
        : `The question "${question.slice(0, 80)}" has no searchable words (only symbols). Use words, e.g. "what is attention in transformers?"`,
    );
    this.name = 'EmptyQuestionError';
  }
}

/** Words that match almost every passage; dropped unless the question is made only of them. */
const STOPWORDS = new Set(
  (
    'a an the and or but if of to in on at by for with from as is are was were be been being it its this that these those ' +
    'what which who whom whose when where why how do does did done doing have has had having am can could should would will shall may might must ' +
    'i you he she we they me him her us them my your our their about into than then there here not no so too very ' +
    'и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще ' +
    'нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом ' +
    'себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под ' +
    'будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее были куда зачем ' +
    'всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая много ' +
    'разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между'
  ).split(' '),
);

export interface QueryTerm {
  /** The question's word, lower-cased (letters/digits/marks only — safe inside any FTS syntax). */
  word: string;
  /** Its stems under each language the index holds (usually one). */
  stems: string[];
}

/** Stems a word for the default (English/Russian by script) language; kept for callers without a language. */
export function stemWord(word: string, language?: string | null): string {
  return stem(word, language);
}

/** The text the full-text index stores: stemmed words (by the video's language) separated by spaces. */
export function searchText(text: string, language?: string | null): string {
  return tokenize(text)
    .map((w) => stem(w, language))
    .join(' ');
}

/** Splits text into lower-cased words (any script); everything else is a separator. */
export function tokenize(text: string): string[] {
  // ё→е: Russian text writes both; FTS5 folds it, Postgres 'simple' does not.
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/ё/g, 'е')
      .match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu) ?? []
  );
}

/**
 * Extracts the searchable terms of a question. Throws EmptyQuestionError when there are none.
 * At most 32 distinct terms are kept (long pasted text would otherwise make slow queries).
 */
export function queryTerms(question: string, languages: readonly (string | null)[] = [null]): QueryTerm[] {
  const words = tokenize(question ?? '');
  if (words.length === 0) throw new EmptyQuestionError(question ?? '');
  const content = words.filter((w) => !STOPWORDS.has(w));
  const chosen = content.length > 0 ? content : words;
  const langs = languages.length > 0 ? languages : [null];
  const seen = new Set<string>();
  const terms: QueryTerm[] = [];
  for (const w of chosen) {
    const stems = [...new Set(langs.map((l) => stem(w, l)))].filter((s) => !seen.has(s));
    if (stems.length === 0) continue;
    for (const s of stems) seen.add(s);
    terms.push({ word: w, stems });
    if (terms.length >= 32) break;
  }
  return terms;
}

/** Every distinct stem of the terms. */
export function allStems(terms: readonly QueryTerm[]): string[] {
  return [...new Set(terms.flatMap((t) => t.stems))];
}

/** FTS5 MATCH expression: stems OR-ed, each quoted (bm25 ranks passages with more terms higher). */
export function toFts5Match(terms: readonly QueryTerm[]): string {
  return allStems(terms)
    .map((s) => `"${s}"`)
    .join(' OR ');
}

/** Postgres tsquery text for to_tsquery('simple', …): stems OR-ed. */
export function toTsQuery(terms: readonly QueryTerm[]): string {
  return allStems(terms)
    .map((s) => `'${s}'`)
    .join(' | ');
}
