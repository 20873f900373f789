// Durations as a supervisor says them: "3 hari", "2 minggu", "4 bulan", "24 jam" (or "3 days",
// "2 weeks", "4 months", "24 hours"), kept as ISO-8601 in the XML (P3D, P14D, P4M, PT24H).
// Keep the unit words in step with engine/durations.py (a test compares them).

// unit -> [ISO part, words in Bahasa Indonesia, words in English (singular, plural)]
export const UNITS = [
  [ 'Y', 'tahun', [ 'year', 'years' ] ],
  [ 'M', 'bulan', [ 'month', 'months' ] ],
  [ 'W', 'minggu', [ 'week', 'weeks' ] ],
  [ 'D', 'hari', [ 'day', 'days' ] ],
  [ 'H', 'jam', [ 'hour', 'hours' ] ],
  [ 'MIN', 'menit', [ 'minute', 'minutes' ] ]
];

const ISO = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?)?$/;

function unitOf(word) {
  word = word.toLowerCase();
  for (const [ unit, id, en ] of UNITS) {
    if (word === id || en.indexOf(word) >= 0) {
      return unit;
    }
  }
  return null;
}

// "2 minggu" -> "P14D"; "1 bulan 2 minggu" -> "P1M14D"; an ISO duration as it is; null otherwise.
// Weeks are written as days (P14D), as the shipped diagrams write them.
export function wordsToIso(text) {
  const raw = String(text || '').trim();
  if (ISO.test(raw.toUpperCase())) {
    return raw.toUpperCase();
  }
  const parts = raw.toLowerCase().replace(/\bdan\b|\band\b|,/g, ' ').split(/\s+/).filter(Boolean);
  if (!parts.length || parts.length % 2) {
    return null;
  }
  const amounts = {};
  for (let i = 0; i < parts.length; i += 2) {
    const unit = unitOf(parts[i + 1]);
    if (!/^\d+$/.test(parts[i]) || !unit || unit in amounts) {
      return null;
    }
    amounts[unit] = parseInt(parts[i], 10);
  }
  const days = (amounts.W || 0) * 7 + (amounts.D || 0);
  let iso = 'P' + (amounts.Y ? amounts.Y + 'Y' : '') + (amounts.M ? amounts.M + 'M' : '') + (days ? days + 'D' : '');
  if (amounts.H || amounts.MIN) {
    iso += 'T' + (amounts.H ? amounts.H + 'H' : '') + (amounts.MIN ? amounts.MIN + 'M' : '');
  }
  return iso === 'P' ? null : iso;
}

// "P14D" -> "2 minggu" ("2 weeks" in English); text that is no plain duration comes back as it is.
export function isoToWords(iso, lang) {
  const match = ISO.exec(String(iso || '').trim().toUpperCase());
  if (!match) {
    return iso;
  }
  let [ , y, m, w, d, h, min ] = match.map(function(v) { return v ? parseInt(v, 10) : 0; });
  d += w * 7;
  w = d % 7 === 0 ? d / 7 : 0;
  d = w ? 0 : d;
  const amounts = { Y: y, M: m, W: w, D: d, H: h, MIN: min };
  const words = [];
  for (const [ unit, id, en ] of UNITS) {
    const n = amounts[unit];
    if (n) {
      words.push(n + ' ' + (lang === 'en' ? en[n === 1 ? 0 : 1] : id));
    }
  }
  return words.length ? words.join(' ') : iso;
}

// Cycles, as engine/durations.py reads them: "R4/P1M" -> "setiap 1 bulan, 4 kali" ("every 1 month,
// 4 times"), "R/P14D" -> "setiap 2 minggu"; text that is no cycle comes back as it is.
const CYCLE = /^R(\d*)\/(P[^/]+)$/;
const CYCLE_WORDS = /^(?:setiap|every)\s+(.+?)(?:,?\s+(\d+)\s+(?:kali|times?))?$/;

export function cycleToWords(iso, lang) {
  const match = CYCLE.exec(String(iso || '').trim().toUpperCase());
  const period = match ? isoToWords(match[2], lang) : null;
  if (!match || period === match[2]) {
    return iso;
  }
  const every = (lang === 'en' ? 'every ' : 'setiap ') + period;
  if (!match[1]) {
    return every;
  }
  const times = parseInt(match[1], 10);
  return every + ', ' + times + (lang === 'en' ? (times === 1 ? ' time' : ' times') : ' kali');
}

// "setiap 1 bulan, 4 kali" -> "R4/P1M", "every 2 weeks" -> "R/P14D", "setiap bulan" -> "R/P1M"; null otherwise.
export function wordsToCycle(text) {
  const raw = String(text || '').trim();
  const iso = CYCLE.exec(raw.toUpperCase());
  if (iso && ISO.test(iso[2])) {
    return raw.toUpperCase();
  }
  const match = CYCLE_WORDS.exec(raw.toLowerCase());
  const words = match ? match[1] : '';
  const period = match && wordsToIso(words.indexOf(' ') >= 0 ? words : '1 ' + words);
  return period ? 'R' + (match[2] || '') + '/' + period : null;
}
