/*
 * test_text.c — the text module: UTF-8 validation with positions, language
 * detection and tags, conversions, NFC, case folding, break iterators and
 * regular expressions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "concord/text.h"
#include "text/unicode.h"

typedef struct bad_utf8 {
    const char *bytes;
    size_t len;
    size_t offset;
    unsigned long line, column;
    const char *why;
} bad_utf8;

#define B(s) s, sizeof(s) - 1

static const bad_utf8 bad_cases[] = {
    {B("abc\x80"), 3, 1, 4, "continuation"},
    {B("ab\xC0\xAF"), 2, 1, 3, "never appears"},        /* overlong '/' */
    {B("x\xE0\x80\xAF"), 1, 1, 2, "overlong"},          /* overlong 3-byte */
    {B("\xED\xA0\x80"), 0, 1, 1, "surrogate"},          /* U+D800 */
    {B("\xF4\x90\x80\x80"), 0, 1, 1, "above U+10FFFF"}, /* U+110000 */
    {B("\xF5\x80\x80\x80"), 0, 1, 1, "never appears"},
    {B("\xFF"), 0, 1, 1, "never appears"},
    {B("Kuril\xE2\x80"), 5, 1, 6, "cut off"},
    {B("a\xC3(b"), 1, 1, 2, "incomplete"},
    {B("line one\nлиния\x00 two"), 19, 2, 6, "NUL"},
    {B("r\r\nx\ry\xFE"), 6, 3, 2, "never appears"},
    {B("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81"), 9, 1, 4, "cut off"},
};

static void test_invalid_utf8_reports_first_bad_byte(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const bad_utf8 *c = &bad_cases[i];
        assert_int_equal(concord_text_validate(c->bytes, c->len), CONCORD_EENCODING);
        const concord_error *e = concord_error_last();
        if (e->offset != c->offset || e->line != c->line || e->column != c->column)
            fail_msg("case %zu: got offset %zu line %lu col %lu", i, e->offset, e->line, e->column);
        if (!strstr(e->message, c->why))
            fail_msg("case %zu: message '%s' lacks '%s'", i, e->message, c->why);
        char want[64];
        snprintf(want, sizeof(want), "byte offset %zu", c->offset);
        assert_non_null(strstr(e->message, want));
    }
}

static void test_valid_utf8_passes(void **state)
{
    (void)state;
    const char *ok[] = {"",
                        "plain ASCII text that is longer than eight bytes",
                        "\xEF\xBB\xBF"
                        "BOM first",
                        "Южные Курилы",
                        "北方領土の返還",
                        "emoji \xF0\x9F\x8F\x9D and U+10FFFF \xF4\x8F\xBF\xBF",
                        "\xEE\x80\x80 private use"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_int_equal(concord_text_validate(ok[i], strlen(ok[i])), 0);
    /* the fast path must still find a bad byte in any of eight positions */
    for (int k = 0; k < 16; k++) {
        char buf[32];
        memset(buf, 'a', sizeof(buf));
        buf[k] = '\x80';
        assert_int_equal(concord_text_validate(buf, sizeof(buf)), CONCORD_EENCODING);
        assert_int_equal(concord_error_last()->offset, (size_t)k);
        buf[k] = '\0';
        assert_int_equal(concord_text_validate(buf, sizeof(buf)), CONCORD_EENCODING);
        assert_int_equal(concord_error_last()->offset, (size_t)k);
    }
}

/*
 * Check text[0..len) in pieces cut at `cuts` (sorted offsets): the result of
 * concord_text_check_more/_end, with the error as concord_error_last() has it.
 */
static int check_in_pieces(const char *text, size_t len, const size_t *cuts, size_t ncuts,
                           concord_text_check *chk)
{
    size_t at = 0;
    for (size_t k = 0; k <= ncuts; k++) {
        size_t to = k < ncuts ? cuts[k] : len;
        int rc = concord_text_check_more(chk, text + at, to - at);
        if (rc < 0)
            return rc;
        at = to;
    }
    return concord_text_check_end(chk);
}

/* In pieces, cut anywhere: the same errors, offsets and positions as the whole text. */
static void test_text_check_in_pieces(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const bad_utf8 *c = &bad_cases[i];
        assert_int_equal(concord_text_validate(c->bytes, c->len), CONCORD_EENCODING);
        char want[160];
        snprintf(want, sizeof(want), "%s", concord_error_last()->message);
        /* one cut anywhere, and a cut after every byte */
        for (size_t cut = 0; cut <= c->len + 1; cut++) {
            size_t cuts[32], n = 0;
            if (cut <= c->len)
                cuts[n++] = cut;
            else
                for (size_t b = 1; b < c->len && n < 32; b++)
                    cuts[n++] = b;
            concord_text_check chk = CONCORD_TEXT_CHECK_INIT;
            assert_int_equal(check_in_pieces(c->bytes, c->len, cuts, n, &chk), CONCORD_EENCODING);
            const concord_error *e = concord_error_last();
            if (e->offset != c->offset || e->line != c->line || e->column != c->column ||
                strcmp(e->message, want) != 0)
                fail_msg("case %zu cut %zu: offset %zu %lu:%lu '%s'", i, cut, e->offset, e->line,
                         e->column, e->message);
        }
    }
    /* good text: no error, and the position at the end is concord_text_position's */
    const char *t = "ab\r\nкд\rx\ny 北方領土 \xF0\x9F\x8F\x9D end of a longer line\r";
    size_t len = strlen(t);
    unsigned long l, col;
    concord_text_position(&l, &col, t, len, len);
    for (size_t cut = 0; cut <= len; cut++) {
        concord_text_check chk = CONCORD_TEXT_CHECK_INIT;
        assert_int_equal(check_in_pieces(t, len, &cut, 1, &chk), 0);
        assert_int_equal(chk.valid, len);
        assert_int_equal(chk.line, l);
        assert_int_equal(chk.column, col);
    }
    /* a struct of an unknown version */
    concord_text_check chk = CONCORD_TEXT_CHECK_INIT;
    chk.version = CONCORD_TEXT_CHECK_VERSION + 1;
    assert_int_equal(concord_text_check_more(&chk, "a", 1), CONCORD_EINVAL);
}

static void test_position(void **state)
{
    (void)state;
    const char *t = "ab\r\nкд\rx\ny";
    unsigned long l, c;
    concord_text_position(&l, &c, t, strlen(t), 0);
    assert_int_equal(l, 1);
    assert_int_equal(c, 1);
    concord_text_position(&l, &c, t, strlen(t), 4); /* 'к' after CRLF */
    assert_int_equal(l, 2);
    assert_int_equal(c, 1);
    concord_text_position(&l, &c, t, strlen(t), 6); /* 'д': columns count code points */
    assert_int_equal(l, 2);
    assert_int_equal(c, 2);
    concord_text_position(&l, &c, t, strlen(t), 9); /* 'x' after a lone CR */
    assert_int_equal(l, 3);
    assert_int_equal(c, 1);
    concord_text_position(&l, &c, t, strlen(t), 1000); /* clamped */
    assert_int_equal(l, 4);
    assert_int_equal(c, 2);
}

static void test_lang_detect(void **state)
{
    (void)state;
    static const struct {
        const char *text, *lang;
    } cases[] = {
        {"Russia and Japan have been in dispute for seven decades.", "en"},
        {"Россия и Япония спорят о Южных Курилах уже семьдесят лет.", "ru"},
        {"北方領土の問題は長年の懸案だ。", "ja"},
        {"ロシアのラブロフ外相（Sergei Lavrov）は、Tokyoで会談した。", "ja"},
        {"По данным Reuters, Россия не уступит.", "ru"},
        {"", "en"},
        {"1234 !!! ...", "en"},
        {"\xFF\xFE Кириллица", "ru"},
        {"Die Südkurilen heißen in Japan Nördliche Territorien.", "en"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(concord_lang_detect(cases[i].text, strlen(cases[i].text)),
                            cases[i].lang);
}

static void test_lang_canonicalize(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } good[] = {{"en", "en"},
                {"EN-us", "en-US"},
                {"ru_RU", "ru-RU"},
                {"ja", "ja"},
                {"zh-hant-tw", "zh-Hant-TW"},
                {"de-CH", "de-CH"},
                {"es-419", "es-419"},
                {"fr", "fr"},
                /* well-formed although the registry has no such language, or not yet */
                {"und", "und"},
                {"qaa", "qaa"},
                {"QTZ-latn", "qtz-Latn"},
                {"xx", "xx"},
                {"qq", "qq"},
                /* private use, extensions (lower case after the singleton), variants */
                {"x-private", "x-private"},
                {"X-Whatever-AB", "x-whatever-ab"},
                {"en-x-us", "en-x-us"},
                {"en-US-u-ca-gregory", "en-US-u-ca-gregory"},
                {"de-CH-1996", "de-CH-1996"},
                {"sl-rozaj-biske", "sl-rozaj-biske"},
                {"zh-yue-HK", "zh-yue-HK"},
                {"zh-min-nan", "zh-min-nan"},
                /* grandfathered: irregular ones as registered, regular ones by the grammar */
                {"i-klingon", "i-klingon"},
                {"I-DEFAULT", "i-default"},
                {"en-gb-oed", "en-GB-oed"},
                {"sgn-be-fr", "sgn-BE-FR"},
                {"art-lojban", "art-lojban"}};
    char out[64];
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (concord_lang_canonicalize(out, sizeof(out), good[i].in) != 0)
            fail_msg("'%s' refused: %s", good[i].in, concord_error_last()->message);
        assert_string_equal(out, good[i].out);
    }
    const char *bad[] = {"",
                         "english",
                         "e",
                         "ru-",
                         "-ru",
                         "r u",
                         "ja--JP",
                         "toolongsubtagxx",
                         "x",
                         "i-foo",
                         "en-a",
                         "en-a-x-foo",
                         "en-x",
                         "1en",
                         "en-US-US",
                         "en-Latn-Latn",
                         "en-abc-def-ghi-jkl",
                         "ru-12"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (concord_lang_canonicalize(out, sizeof(out), bad[i]) != CONCORD_EINVAL)
            fail_msg("'%s' was accepted as '%s'", bad[i], out);
        assert_non_null(strstr(concord_error_last()->message, "language"));
    }
    /* a typo keeps its helpful message */
    assert_int_equal(concord_lang_canonicalize(out, sizeof(out), "english"), CONCORD_EINVAL);
    assert_non_null(strstr(concord_error_last()->message, "2- or 3-letter"));
    assert_int_equal(concord_lang_canonicalize(out, 3, "en-US"), CONCORD_ELIMIT);
}

/* "en also matches en-US": one rule everywhere, without regard to case. */
static void test_lang_matches(void **state)
{
    (void)state;
    static const struct {
        const char *range, *tag;
        int matches;
    } cases[] = {
        {"en", "en", 1},
        {"en", "en-US", 1},
        {"en", "EN-us", 1},
        {"EN", "en-GB", 1},
        {"en", "en_US", 1},
        {"en-US", "en-US", 1},
        {"en-us", "en-US", 1},
        {"en-US", "en-US-x-twain", 1},
        {"en-US", "en", 0},
        {"en-US", "en-GB", 0},
        {"en", "eng", 0},
        {"en", "e", 0},
        {"ru", "en-RU", 0},
        {"x-private", "x-private", 1},
        {"und", "und", 1},
        {"qaa", "qaa-Latn", 1},
        {"zh-Hant", "zh-hant-TW", 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (cc_lang_matches(cases[i].range, cases[i].tag) != cases[i].matches)
            fail_msg("'%s' %s '%s'", cases[i].range, cases[i].matches ? "should take" : "took",
                     cases[i].tag);
    assert_true(cc_lang_primary_eq("en-US", "EN-gb"));
    assert_true(cc_lang_primary_eq("ru", "ru-RU"));
    assert_false(cc_lang_primary_eq("en", "eng"));
}

static void test_utf16_round_trip(void **state)
{
    (void)state;
    const char *s = "Итуруп 択捉島 \xF0\x9F\x8F\x9D end";
    cc_uchar *u;
    int32_t n;
    assert_int_equal(cc_utf16_from_utf8(s, strlen(s), &u, &n), 0);
    /* the emoji is a surrogate pair */
    int32_t pairs = 0;
    for (int32_t i = 0; i < n; i++)
        pairs += u[i] >= 0xD800 && u[i] < 0xDC00;
    assert_int_equal(pairs, 1);
    char *back;
    size_t blen;
    assert_int_equal(cc_utf8_from_utf16(u, n, &back, &blen), 0);
    assert_int_equal(blen, strlen(s));
    assert_string_equal(back, s);
    cc_free(u);
    cc_free(back);
    assert_int_equal(cc_utf16_from_utf8("\xC0\xAF", 2, &u, &n), CONCORD_EENCODING);
}

static void test_nfc_and_casefold(void **state)
{
    (void)state;
    char *out;
    size_t n;
    /* e + combining acute -> é; й as и + breve -> й */
    const char *decomposed = "Cafe\xCC\x81 \xD0\xB8\xCC\x86";
    assert_int_equal(cc_text_nfc(decomposed, strlen(decomposed), &out, &n), 0);
    assert_string_equal(out, "Caf\xC3\xA9 \xD0\xB9");
    cc_free(out);
    static const struct {
        const char *in, *out;
    } fold[] = {
        {"Straße", "strasse"},           {"STRASSE", "strasse"},   {"ЮЖНЫЕ Курилы", "южные курилы"},
        {"Cafe\xCC\x81", "caf\xC3\xA9"}, {"北方領土", "北方領土"}, {"ΣΊΣΥΦΟΣ", "σίσυφοσ"},
    };
    for (size_t i = 0; i < sizeof(fold) / sizeof(fold[0]); i++) {
        assert_int_equal(cc_text_casefold(fold[i].in, strlen(fold[i].in), &out, &n), 0);
        assert_string_equal(out, fold[i].out);
        assert_int_equal(n, strlen(fold[i].out));
        cc_free(out);
    }
}

static int count_words(const char *text, const char *locale)
{
    cc_uchar *u;
    int32_t n;
    cc_breaker *b;
    assert_int_equal(cc_utf16_from_utf8(text, strlen(text), &u, &n), 0);
    assert_int_equal(cc_breaker_open(&b, CC_BREAK_WORD, locale), 0);
    assert_int_equal(cc_breaker_set_text(b, u, n), 0);
    int words = 0;
    while (cc_breaker_next(b) >= 0)
        words += cc_breaker_status(b) >= 100; /* UBRK_WORD_NONE_LIMIT */
    cc_breaker_close(b);
    cc_free(u);
    return words;
}

static void test_word_breaks_use_dictionaries_for_japanese(void **state)
{
    (void)state;
    /* 北方領土の返還 is several words, not one run of letters */
    assert_true(count_words("北方領土の返還", "ja") >= 3);
    assert_int_equal(count_words("the Southern Kurils", "en"), 3);
    assert_int_equal(count_words("Южные Курилы", "ru"), 2);
}

static void test_regex(void **state)
{
    (void)state;
    cc_regex *re;
    int32_t off;
    assert_int_equal(cc_regex_compile(&re, "(?:\\bMr\\.)(?=\\s)", 0, &off), 0);
    cc_uchar *u;
    int32_t n, s, e;
    const char *t = "Ask Mr. Lavrov and mr. Kono";
    assert_int_equal(cc_utf16_from_utf8(t, strlen(t), &u, &n), 0);
    assert_int_equal(cc_regex_set_text(re, u, n), 0);
    assert_int_equal(cc_regex_find(re, 0, &s, &e), 1);
    assert_int_equal(s, 4);
    assert_int_equal(e, 7);
    assert_int_equal(cc_regex_find(re, 5, &s, &e), 0);
    cc_regex_free(re);
    cc_free(u);

    assert_int_equal(cc_regex_compile(&re, "abc(", 0, &off), CONCORD_EPARSE);
    assert_null(re);
    assert_true(off >= 3);
    assert_non_null(strstr(concord_error_last()->message, "U_REGEX"));
}

static void test_properties(void **state)
{
    (void)state;
    assert_true(cc_uc_is_upper(0x0416));  /* Ж */
    assert_true(cc_uc_is_lower(0x0436));  /* ж */
    assert_false(cc_uc_is_upper(0x5317)); /* 北 */
    assert_true(cc_uc_is_alpha(0x5317));
    assert_int_equal(cc_uc_script(0x5317), CC_SCRIPT_HAN);
    assert_int_equal(cc_uc_script(0x30AF), CC_SCRIPT_KATAKANA);
    assert_int_equal(cc_uc_script(0x3068), CC_SCRIPT_HIRAGANA);
    assert_true(cc_uc_is_closer(0x300D)); /* 」 */
    assert_true(cc_uc_is_opener(0x300C)); /* 「 */
    assert_true(cc_uc_is_closer(0x00BB)); /* » */
    assert_true(cc_uc_is_sterm(0x3002));  /* 。 */
    assert_true(cc_is_space(0x3000));
    assert_true(cc_is_space(0xA0));
    assert_false(cc_is_space(0x200B)); /* zero width space is not White_Space */
}

static void tokens_of(const char *lang, const char *text, char *out, size_t size)
{
    cc_tokenizer *t;
    cc_tokens tk = CC_TOKENS_INIT;
    assert_int_equal(cc_tokenizer_new(&t, lang), 0);
    assert_int_equal(cc_tokenize(t, text, strlen(text), &tk), 0);
    static const char kinds[] = " wncp";
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < tk.n && o + 1 < size; i++) {
        const cc_token *k = &tk.v[i];
        /* the offsets slice the original text */
        assert_true(k->start < k->end && k->end <= strlen(text));
        o += (size_t)snprintf(out + o, size - o, "%s%c:%s%s", i ? " " : "", kinds[k->kind],
                              tk.norm.data + k->norm, (k->flags & CC_TOKF_CASE) ? "^" : "");
    }
    cc_tokens_free(&tk);
    cc_tokenizer_free(t);
}

static void test_tokens(void **state)
{
    (void)state;
    static const struct {
        const char *lang, *text, *tokens;
    } cases[] = {
        {"en", "The Southern Kurils, 3.5 percent!",
         "w:the^ w:southern^ w:kurils^ p:, n:3.5 w:percent p:!"},
        {"en", "Ｔｏｋｙｏ ２０１９ don't", "w:tokyo^ n:2019 w:don't"},
        {"de", "STRASSE Straße", "w:strasse^ w:strasse^"},
        {"ru", "Южные Курилы — 1956 г.", "w:южные^ w:курилы^ p:— n:1956 w:г p:."},
        {"ja", "北方領土の返還（1956年）",
         "c:北 c:方 c:領 c:土 c:の c:返 c:還 p:( n:1956 c:年 p:)"},
        {"ja", "ロシアのラブロフ外相、Lavrov氏",
         "c:ロ c:シ c:ア c:の c:ラ c:ブ c:ロ c:フ c:外 c:相 p:、 "
         "w:lavrov^ c:氏"},
        {"en", "Cafe\xCC\x81", "w:caf\xC3\xA9^"},
        {"en", "", ""},
    };
    char got[1024];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tokens_of(cases[i].lang, cases[i].text, got, sizeof(got));
        if (strcmp(got, cases[i].tokens) != 0)
            fail_msg("%s '%s':\n  got      %s\n  expected %s", cases[i].lang, cases[i].text, got,
                     cases[i].tokens);
    }
}

/* Charsets: decoding and encoding back, and the position of what does not fit. */
static void test_charsets(void **state)
{
    (void)state;
    cc_conv *c;
    cc_buf b = CC_BUF_INIT;
    size_t bad = 99;
    assert_int_equal(cc_conv_open(&c, "windows-1251"), 0);
    /* "Привет" in windows-1251, cut in the middle between two calls */
    const char cp[] = "\xCF\xF0\xE8\xE2\xE5\xF2";
    assert_int_equal(cc_conv_to_utf8(c, cp, 3, 0, &b, &bad), 0);
    assert_int_equal(cc_conv_to_utf8(c, cp + 3, 3, 1, &b, &bad), 0);
    assert_string_equal(b.data, "Привет");
    cc_buf_clear(&b);
    assert_int_equal(cc_conv_from_utf8(c, "Да, 日本", strlen("Да, 日本"), &b, &bad),
                     CONCORD_EENCODING);
    assert_int_equal(bad, strlen("Да, "));
    assert_string_equal(b.data, "\xC4\xE0, ");
    cc_conv_close(c);

    /* a multi-byte charset: a sequence cut at the end is an error where it starts */
    assert_int_equal(cc_conv_open(&c, "UTF-8"), 0);
    cc_buf_clear(&b);
    assert_int_equal(cc_conv_to_utf8(c, "ab\xE5\xB9", 4, 1, &b, &bad), CONCORD_EENCODING);
    assert_int_equal(bad, 2);
    cc_conv_close(c);
    assert_int_equal(cc_conv_open(&c, "EUC-JP"), 0);
    cc_buf_clear(&b);
    assert_int_equal(cc_conv_to_utf8(c, "x\xC6\xFC\xCB\xDC", 5, 1, &b, &bad), 0);
    assert_string_equal(b.data, "x日本");
    cc_conv_close(c);
    assert_int_equal(cc_conv_open(&c, "no-such-charset-x"), CONCORD_EUNSUPPORTED);
    assert_null(c);
    cc_conv_close(NULL);
    cc_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_utf8_reports_first_bad_byte),
        cmocka_unit_test(test_valid_utf8_passes),
        cmocka_unit_test(test_text_check_in_pieces),
        cmocka_unit_test(test_position),
        cmocka_unit_test(test_lang_detect),
        cmocka_unit_test(test_lang_canonicalize),
        cmocka_unit_test(test_lang_matches),
        cmocka_unit_test(test_utf16_round_trip),
        cmocka_unit_test(test_nfc_and_casefold),
        cmocka_unit_test(test_word_breaks_use_dictionaries_for_japanese),
        cmocka_unit_test(test_regex),
        cmocka_unit_test(test_properties),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_charsets),
    };
    return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
