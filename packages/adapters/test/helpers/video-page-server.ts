// The local video site lives in product code (the `demo` command uses it); tests import it from here.
export * from '../../src/local-video-site/video-page-server.ts';
