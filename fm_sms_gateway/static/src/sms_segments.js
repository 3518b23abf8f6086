/**
 * How many segments a text costs, counted in the browser while it is typed.
 *
 * The same rules and tables as fm_sms_gateway/tools/segments.py, which counts
 * on the server what is sent and billed: keep both in step (the pytest
 * tests/test_fm_sms_gateway_segments_js.py runs this module against it).
 *
 * GSM-7: 160 septets in one SMS, 153 per part; extension characters count
 * double and are never split from their escape. One character outside both
 * tables sends the whole text in UCS-2: 70 UTF-16 units, 67 per part; a
 * character beyond the basic plane (emoji) takes two units, never split.
 *
 * No import: the module runs in the web client and under Node alike.
 */

export const GSM7_BASIC = new Set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
);
export const GSM7_EXTENSION = new Set("\f^{}\\[~]|€");

export const GSM7 = "gsm7";
export const UCS2 = "ucs2";
export const LIMITS = { [GSM7]: [160, 153], [UCS2]: [70, 67] };

/** Characters with a GSM-7 look-alike: what a French text usually carries. */
export const FOLDING = {
    "â": "a",
    "ç": "c",
    "ê": "e",
    "ë": "e",
    "î": "i",
    "ï": "i",
    "ô": "o",
    "û": "u",
    "ÿ": "y",
    "œ": "oe",
    "À": "A",
    "Â": "A",
    "È": "E",
    "Ê": "E",
    "Ë": "E",
    "Î": "I",
    "Ï": "I",
    "Ô": "O",
    "Ù": "U",
    "Û": "U",
    "Œ": "OE",
    "á": "a",
    "í": "i",
    "ó": "o",
    "ú": "u",
    "Á": "A",
    "Í": "I",
    "Ó": "O",
    "Ú": "U",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "«": '"',
    "»": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\t": " ",
};

/** The characters of a text as Python sees them: code points, not UTF-16 units. */
function chars(text) {
    return Array.from(text || "");
}

/**
 * The text with each character that has a GSM-7 equivalent replaced by it;
 * characters without one (Arabic, emoji) are kept.
 */
export function foldToGsm7(text) {
    return chars(text)
        .map((char) => (Object.hasOwn(FOLDING, char) ? FOLDING[char] : char))
        .join("");
}

/** The distinct characters that force UCS-2, in order of appearance. */
export function unicodeChars(text) {
    const seen = [];
    for (const char of chars(text)) {
        if (!GSM7_BASIC.has(char) && !GSM7_EXTENSION.has(char) && !seen.includes(char)) {
            seen.push(char);
        }
    }
    return seen;
}

/** Size of each character in the encoding's units (septets or UTF-16). */
function unitSizes(text, encoding) {
    if (encoding === GSM7) {
        return chars(text).map((char) => (GSM7_EXTENSION.has(char) ? 2 : 1));
    }
    return chars(text).map((char) => (char.codePointAt(0) > 0xffff ? 2 : 1));
}

function countSegments(sizes, single, perPart) {
    const total = sizes.reduce((sum, size) => sum + size, 0);
    if (total === 0) {
        return 0;
    }
    if (total <= single) {
        return 1;
    }
    let segments = 1;
    let used = 0;
    for (const size of sizes) {
        // An escaped character or a surrogate pair never straddles two parts.
        if (used + size > perPart) {
            segments += 1;
            used = 0;
        }
        used += size;
    }
    return segments;
}

/**
 * Encoding, length in units and segments of `text` as it is sent.
 *
 * @param {string} text
 * @param {{fold?: boolean}} [options] fold: replace the characters that have a
 *      GSM-7 equivalent first (a campaign's "Keep to the GSM Alphabet")
 * @returns {{text: string, encoding: string, units: number, segments: number,
 *      perSegment: number, unicodeChars: string[]}}
 */
export function countSms(text, { fold = false } = {}) {
    text = fold ? foldToGsm7(text) : text || "";
    const forcing = unicodeChars(text);
    const encoding = forcing.length ? UCS2 : GSM7;
    const sizes = unitSizes(text, encoding);
    const [single, perPart] = LIMITS[encoding];
    const segments = countSegments(sizes, single, perPart);
    return {
        text,
        encoding,
        units: sizes.reduce((sum, size) => sum + size, 0),
        segments,
        perSegment: segments <= 1 ? single : perPart,
        unicodeChars: forcing,
    };
}
