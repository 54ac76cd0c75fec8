/* RSS/Atom feeds for subscriptions: HTTP with ETag/Last-Modified, parsed by fast-xml-parser. */
export {
  type FeedFetch,
  FeedFetchError,
  HttpFeedReader,
  type HttpFeedReaderOptions,
} from './http-feed-reader.ts';
export { FeedParseError, parseFeed } from './parse-feed.ts';
