import type { TranscriptSegment } from '@llm-rag-yt/rag';
import { chunkSegments } from '@llm-rag-yt/rag';

/*
 * A small corpus of transcripts on distinct topics (one in Russian) with facts at known times,
 * shared by the search contract tests and the ranking tests.
 */

export interface CorpusVideo {
  videoId: string;
  title: string;
  channel: string;
  segments: TranscriptSegment[];
}

function seg(start: number, text: string): TranscriptSegment {
  return { start, end: start + 15, text };
}

export const CORPUS: readonly CorpusVideo[] = [
  {
    videoId: 'pastaCook01',
    title: 'Perfect pasta at home',
    channel: 'Home Kitchen',
    segments: [
      seg(0, 'Welcome back to the kitchen. Today we cook a simple pasta dinner for four people.'),
      seg(15, 'First take a large pot, you need plenty of room so the noodles do not stick together.'),
      seg(
        30,
        'Bring the water to a rolling boil and add salt, about one tablespoon per litre, it should taste like the sea.',
      ),
      seg(
        45,
        'Now the sauce: crush garlic, warm olive oil in a pan and add canned tomatoes with fresh basil.',
      ),
      seg(60, 'Cook the spaghetti two minutes less than the package says, it finishes cooking in the sauce.'),
      seg(75, 'Save a cup of the starchy pasta water before draining, it makes the sauce silky.'),
      seg(90, 'Grate parmesan cheese on top and serve immediately while everything is hot.'),
    ],
  },
  {
    videoId: 'rocketSci02',
    title: 'How rockets reach orbit',
    channel: 'Space Explained',
    segments: [
      seg(0, 'In this episode we explain how a rocket actually gets into orbit around the Earth.'),
      seg(
        15,
        'Orbit is not about going up, it is about going sideways fast enough, nearly eight kilometres per second.',
      ),
      seg(
        30,
        'The rocket equation by Tsiolkovsky shows why fuel mass grows exponentially with the velocity you need.',
      ),
      seg(
        45,
        'That is why rockets use multiple stages: dropping empty tanks removes dead weight during the climb.',
      ),
      seg(
        60,
        'Engines burning kerosene and liquid oxygen produce thrust by throwing exhaust out of the nozzle.',
      ),
      seg(75, 'Reusable boosters land back on a drone ship which lowers the cost of every launch.'),
      seg(90, 'Thanks for watching, next time we talk about docking with the space station.'),
    ],
  },
  {
    videoId: 'gardenTom03',
    title: 'Growing tomatoes in small gardens',
    channel: 'Home Kitchen',
    segments: [
      seg(0, 'Tomatoes love sunshine, pick a spot with at least six hours of direct sun every day.'),
      seg(15, 'Plant seedlings deep, the buried stem grows extra roots and makes the plant stronger.'),
      seg(30, 'Water deeply twice a week at the base of the plant and keep the leaves dry to avoid blight.'),
      seg(45, 'Pinch off the suckers between the main stem and the branches to get bigger fruit.'),
      seg(60, 'Feed with compost, and add a mulch of straw so the soil keeps its moisture in summer.'),
      seg(
        75,
        'Harvest when the fruit is fully red and slightly soft, the flavour is best at room temperature.',
      ),
    ],
  },
  {
    videoId: 'moscowHis04',
    title: 'История Москвы за десять минут',
    channel: 'Русская история',
    segments: [
      seg(0, 'Привет! Сегодня коротко расскажем историю Москвы от основания до наших дней.'),
      seg(
        15,
        'Впервые Москва упоминается в летописи в 1147 году, когда князь Юрий Долгорукий позвал союзника на пир.',
      ),
      seg(30, 'Деревянный Кремль построили на холме у слияния Москвы-реки и Неглинной.'),
      seg(45, 'При Иване Третьем итальянские мастера возвели новые кирпичные стены Кремля и соборы.'),
      seg(60, 'В 1812 году во время нашествия Наполеона большой пожар уничтожил почти весь город.'),
      seg(75, 'В 1935 году открылась первая линия метро, станции украшали мрамором и мозаикой.'),
    ],
  },
];

/** Small chunks so each video has several and the right time range matters. */
export const CHUNK_OPTS = { targetWords: 25, maxSeconds: 30, overlapWords: 5 };

export function chunksOf(videoId: string) {
  const video = CORPUS.find((v) => v.videoId === videoId);
  if (!video) throw new Error(`no corpus video ${videoId}`);
  return chunkSegments(video.segments, CHUNK_OPTS);
}
