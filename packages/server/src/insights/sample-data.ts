// A realistic, deterministic set of completed exit interviews for demos and tests of the dashboard:
// departments of different sizes (one too small to show), a mix of modes, reasons weighted the way
// exit surveys usually come out, topic sentiment that follows the reason, and quotes (some with
// personal data, which the quote view must redact).
import type { Outlook, SentimentLabel } from './insights.repository.ts';
import type { SeedInterview } from './seed.ts';

/** Options of `sampleInterviews()`. */
export interface SampleOptions {
  count: number;
  /** Seed of the pseudo-random choices (same seed, same interviews). Default 7. */
  seed?: number;
  /** Months covered, oldest first ('YYYY-MM'). Default: the 18 months up to `lastMonth`. */
  months?: string[];
  /** Newest month when `months` is not given ('YYYY-MM'). Default 2025-12. */
  lastMonth?: string;
}

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(next: () => number, entries: ReadonlyArray<readonly [T, number]>): T {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = next() * total;
  for (const [value, weight] of entries) {
    roll -= weight;
    if (roll <= 0) return value;
  }
  return (entries[entries.length - 1] as readonly [T, number])[0];
}

/** The `count` months up to `last` ('YYYY-MM'), oldest first. */
export function monthsUpTo(last: string, count: number): string[] {
  const year = Number(last.slice(0, 4));
  const month = Number(last.slice(5, 7));
  return Array.from({ length: count }, (_, index) => {
    const offset = month - 1 - (count - 1 - index);
    const y = year + Math.floor(offset / 12);
    const m = ((offset % 12) + 12) % 12;
    return `${y}-${String(m + 1).padStart(2, '0')}`;
  });
}

const departments = [
  ['Engineering', 34],
  ['Sales', 22],
  ['Customer Support', 18],
  ['Marketing', 11],
  ['Finance', 8],
  ['Operations', 6],
  ['Legal', 1],
] as const;
const locations = [
  ['Berlin', 40],
  ['Madrid', 20],
  ['Paris', 18],
  ['Remote', 22],
] as const;
const levels = [
  ['Junior', 30],
  ['Mid', 35],
  ['Senior', 25],
  ['Lead', 10],
] as const;
const reasons = [
  ['career-growth', 22],
  ['compensation', 20],
  ['manager', 14],
  ['workload-burnout', 12],
  ['better-offer', 8],
  ['culture', 7],
  ['relocation', 5],
  ['remote-commute-policy', 4],
  ['personal-family', 4],
  ['other', 4],
] as const;

/** What people say, per reason (a few carry personal data the quote view must redact). */
const quotes: Record<string, readonly string[]> = {
  'career-growth': [
    'After three years I still could not see what the next step would be for me here.',
    'Promotions went to people who were visible to leadership, not to the ones doing the work.',
    'I asked for a development plan twice and never got one.',
    'There was no budget for training, so I learned everything in my own time.',
    'The role stopped growing with me; I was doing the same things as on day one.',
  ],
  compensation: [
    'The offer I got elsewhere was 25% higher for the same kind of work.',
    'Raises did not keep up with inflation two years in a row.',
    'I found out new hires were paid more than me for the same role.',
    'Bonuses were promised in my interview and then quietly changed.',
    'Pay was below market; you can reach me at tom.becker@example.com if HR wants the numbers.',
  ],
  manager: [
    'My manager cancelled most of our one-to-ones and never gave real feedback.',
    'Decisions were made over my head and I heard about them last.',
    'I felt micromanaged on every small task, which made the work exhausting.',
    'When I raised a problem with my lead it was treated as complaining.',
  ],
  'workload-burnout': [
    'We were permanently understaffed and I was covering two roles for a year.',
    'Evenings and weekends became normal, and nobody seemed to notice.',
    'The on-call rotation was brutal with only four people on it.',
    'I was exhausted; the pace never slowed down after the launch.',
  ],
  'better-offer': [
    'A former colleague reached out with a role that was simply a great opportunity.',
    'The new company offered a lead position and a clear scope.',
    'I was not looking, but the offer was too good to say no to.',
  ],
  culture: [
    'Meetings felt political and people were afraid to disagree openly.',
    'The team spirit disappeared after the reorganisation.',
    'I never felt that my opinion mattered in team decisions.',
  ],
  relocation: [
    'My partner got a job in another country and we decided to move together.',
    'I am moving back home to be closer to family.',
  ],
  'remote-commute-policy': [
    'The new office policy added two hours of commuting to my day.',
    'Being required in the office four days a week did not work with my family.',
  ],
  'personal-family': ['I need time for family right now and could not reduce my hours here.'],
  other: ['It was time for something completely different after many years.'],
};

const topicFor: Record<string, string> = {
  'career-growth': 'growth-and-career',
  compensation: 'pay-and-benefits',
  manager: 'manager-and-leadership',
  'workload-burnout': 'role-and-workload',
  culture: 'culture-and-team',
  'remote-commute-policy': 'tools-and-processes',
};
const topics = [
  'reason-for-leaving',
  'role-and-workload',
  'manager-and-leadership',
  'growth-and-career',
  'pay-and-benefits',
  'culture-and-team',
  'tools-and-processes',
] as const;

/** Completed interviews for a demo tenant or a test, deterministic for a given seed. */
export function sampleInterviews(options: SampleOptions): SeedInterview[] {
  const next = prng(options.seed ?? 7);
  const months = options.months ?? monthsUpTo(options.lastMonth ?? '2025-12', 18);
  const list: SeedInterview[] = [];
  for (let index = 0; index < options.count; index += 1) {
    // Later months a little busier, like a company that grew.
    const monthIndex = Math.min(months.length - 1, Math.floor(next() ** 0.8 * months.length));
    const month = months[monthIndex] as string;
    const day = String(1 + Math.floor(next() * 27)).padStart(2, '0');
    const primaryReason = weighted(next, reasons);
    const pool = quotes[primaryReason] ?? quotes.other ?? [];
    const evidence = [pool[Math.floor(next() * pool.length)] as string];
    const mode = weighted<'identified' | 'confidential' | 'anonymous'>(next, [
      ['confidential', 72],
      ['identified', 16],
      ['anonymous', 12],
    ]);
    const focus = topicFor[primaryReason];
    const interviewTopics = topics
      .filter(() => next() < 0.85)
      .map((topicId) => {
        const label: SentimentLabel =
          topicId === focus || topicId === 'reason-for-leaving'
            ? weighted(next, [
                ['negative', 75],
                ['neutral', 20],
                ['positive', 5],
              ])
            : weighted(next, [
                ['negative', 22],
                ['neutral', 38],
                ['positive', 40],
              ]);
        return { topicId, label };
      });
    const secondary =
      next() < 0.55 ? [weighted(next, reasons)].filter((reason) => reason !== primaryReason) : [];
    const regrettable =
      next() <
      (['career-growth', 'compensation', 'better-offer', 'manager'].includes(primaryReason) ? 0.45 : 0.2);
    list.push({
      endedOn: `${month}-${day}`,
      mode,
      employeeName: mode === 'identified' ? `Employee ${index + 1}` : null,
      department: weighted(next, departments),
      location: weighted(next, locations),
      level: weighted(next, levels),
      tenureMonths: Math.floor(next() ** 1.7 * 130) + 2,
      terminationType: weighted(next, [
        ['voluntary', 86],
        ['involuntary', 10],
        ['retirement', 4],
      ]),
      primaryReason,
      secondaryReasons: secondary,
      evidence,
      regrettable,
      wouldRecommend: weighted<Outlook>(next, [
        ['yes', 44],
        ['maybe', 24],
        ['no', 21],
        ['unknown', 11],
      ]),
      wouldReturn: weighted<Outlook>(next, [
        ['yes', 30],
        ['maybe', 30],
        ['no', 28],
        ['unknown', 12],
      ]),
      topics: interviewTopics,
      source: next() < 0.7 ? 'llm' : 'offline',
      summary: `Left mainly for ${primaryReason.replace(/-/g, ' ')} after ${month}. ${evidence[0]}`,
    });
  }
  return list;
}
