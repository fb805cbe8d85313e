/*
 * text.c: fonts, text measuring and the rendered-text cache.
 *
 * Rendering a string with FreeType is the most expensive thing a frame can
 * do, so every string is rendered once, in white, into a texture that is
 * tinted at draw time (SDL_SetTextureColorMod): one cache entry serves every
 * colour. Entries are keyed by a hash of (font, bytes); widths are kept even
 * when the texture is evicted, and the cache is bounded in slots and bytes
 * with least-recently-drawn eviction. Word-wrapping results are cached the
 * same way, so a frame of unchanged text costs only hash look-ups.
 */
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "ui_internal.h"

static struct ui_textent cache[UI_CACHE_SLOTS];
static struct ui_wrap wraps[UI_WRAP_SLOTS];
static size_t cache_bytes;
static void *face_data[2];               /* regular and bold files, in memory */
static size_t face_size[2];
static uint64_t tick;

static void *map_file(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat sb;
    void *p = NULL;
    if (fstat(fd, &sb) == 0 && sb.st_size > 0) {
        p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED)
            p = NULL;
        else
            *size = (size_t)sb.st_size;
    }
    close(fd);
    return p;
}

uint32_t ui_hash(const void *p, size_t n, uint32_t h)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 16777619u;
    }
    return h;
}

/* Where Debian's fonts-dejavu-core puts the faces, then other layouts. */
static const char *const font_dirs[] = {
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
};

static int find_font(const char *name, char *out, size_t len)
{
    for (size_t i = 0; i < sizeof font_dirs / sizeof font_dirs[0]; i++) {
        snprintf(out, len, "%s/%s", font_dirs[i], name);
        if (access(out, R_OK) == 0)
            return 0;
    }
    return -1;
}

/* The bold face beside a configured regular one: "X.ttf" -> "X-Bold.ttf". */
static int bold_beside(const char *regular, char *out, size_t len)
{
    const char *dot = strrchr(regular, '.');
    if (!dot)
        return -1;
    snprintf(out, len, "%.*s-Bold%s", (int)(dot - regular), regular, dot);
    return access(out, R_OK) == 0 ? 0 : -1;
}

static int have_bold_face;
static char reg_path[600], bold_path[600];

/* Opens every face of font set `set` at `scale` (sizes at scale 1 are for a
 * 1080-px-wide portrait panel). */
static int open_set(struct gh_ui *ui, int set, double scale, char *err, size_t errlen)
{
    static const int base[F_COUNT] = { 30, 38, 38, 54, 48, 44 };
    static const int is_bold[F_COUNT] = { 0, 0, 1, 1, 1, 0 };
    for (int i = 0; i < F_COUNT; i++) {
        int pt = (int)(base[i] * scale + 0.5);
        if (pt < 8)
            pt = 8;
        int f = is_bold[i] && have_bold_face;
        SDL_RWops *rw = SDL_RWFromConstMem(face_data[f], (int)face_size[f]);
        TTF_Font *font = rw ? TTF_OpenFontRW(rw, 1, pt) : NULL;
        if (!font) {
            snprintf(err, errlen, "font %s: %s", f ? bold_path : reg_path, TTF_GetError());
            return -1;
        }
        if (is_bold[i] && !have_bold_face)
            TTF_SetFontStyle(font, TTF_STYLE_BOLD);
        TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
        ui->fonts[set][i] = font;
        ui->line_at[set][i] = TTF_FontLineSkip(font);
    }
    return 0;
}

static void use_set(struct gh_ui *ui, int set)
{
    ui->font_set = set;
    for (int i = 0; i < F_COUNT; i++) {
        ui->font[i] = ui->fonts[set][i];
        ui->line_h[i] = ui->line_at[set][i];
    }
}

int ui_text_open(struct gh_ui *ui, char *err, size_t errlen)
{
    char reg[600], bold[600];
    int have_bold = 0;
    if (ui->opts.font && ui->opts.font[0]) {
        snprintf(reg, sizeof reg, "%s", ui->opts.font);
        if (access(reg, R_OK) != 0) {
            snprintf(err, errlen, "font %s (config [screen] font) can't be read", reg);
            return -1;
        }
        have_bold = bold_beside(reg, bold, sizeof bold) == 0;
    } else {
        if (find_font("DejaVuSans.ttf", reg, sizeof reg) != 0) {
            snprintf(err, errlen, "font DejaVuSans.ttf not found (install Debian's "
                     "fonts-dejavu-core, or set [screen] font in the config)");
            return -1;
        }
        have_bold = find_font("DejaVuSans-Bold.ttf", bold, sizeof bold) == 0;
    }
    /* Each face is mapped into memory once and every size opened from there:
     * FreeType otherwise reads the file through thousands of small seeks
     * and reads per size, which showed in start-up time. */
    face_data[0] = map_file(reg, &face_size[0]);
    face_data[1] = have_bold ? map_file(bold, &face_size[1]) : NULL;
    if (!face_data[0]) {
        snprintf(err, errlen, "font %s: %s", reg, strerror(errno ? errno : EINVAL));
        return -1;
    }
    if (!face_data[1])
        have_bold = 0;
    have_bold_face = have_bold;
    snprintf(reg_path, sizeof reg_path, "%s", reg);
    snprintf(bold_path, sizeof bold_path, "%s", have_bold ? bold : reg);
    if (open_set(ui, 0, ui->scale, err, errlen) != 0)
        return -1;
    use_set(ui, 0);
    return 0;
}

/* Switches to font set `set` (0: the configured scale; 1: larger text),
 * opening its faces at `scale` the first time from the mapped files. */
int ui_text_use(struct gh_ui *ui, int set, double scale, char *err, size_t errlen)
{
    if (set < 0 || set >= UI_FONT_SETS)
        return -1;
    if (!ui->fonts[set][0] && open_set(ui, set, scale, err, errlen) != 0)
        return -1;
    use_set(ui, set);
    return 0;
}

void ui_text_close(struct gh_ui *ui)
{
    for (int i = 0; i < UI_CACHE_SLOTS; i++) {
        if (cache[i].tex)
            SDL_DestroyTexture(cache[i].tex);
        memset(&cache[i], 0, sizeof cache[i]);
    }
    memset(wraps, 0, sizeof wraps);
    cache_bytes = 0;
    for (int set = 0; set < UI_FONT_SETS; set++)
        for (int i = 0; i < F_COUNT; i++) {
            if (ui->fonts[set][i])
                TTF_CloseFont(ui->fonts[set][i]);
            ui->fonts[set][i] = NULL;
        }
    for (int i = 0; i < F_COUNT; i++)
        ui->font[i] = NULL;
    for (int i = 0; i < 2; i++) {        /* after the fonts that read them */
        if (face_data[i])
            munmap(face_data[i], face_size[i]);
        face_data[i] = NULL;
    }
}

static uint32_t key_of(int font, const char *s, int len)
{
    uint32_t h = ui_hash(&font, sizeof font, UI_HASH_INIT);
    h = ui_hash(s, (size_t)len, h);
    return h ? h : 1;
}

/* Open addressing over a small table: probe 8 slots, else evict the oldest
 * of them. */
static struct ui_textent *slot_for(uint32_t h, int font, int *found)
{
    struct ui_textent *victim = NULL;
    for (int i = 0; i < 8; i++) {
        struct ui_textent *e = &cache[(h + (uint32_t)i) % UI_CACHE_SLOTS];
        if (e->used && e->hash == h && e->font == font) {
            *found = 1;
            return e;
        }
        if (!e->used) {
            *found = 0;
            return e;
        }
        if (!victim || e->last < victim->last)
            victim = e;
    }
    if (victim->tex) {
        SDL_DestroyTexture(victim->tex);
        cache_bytes -= victim->bytes;
    }
    memset(victim, 0, sizeof *victim);
    *found = 0;
    return victim;
}

/* A face of the set in use: the caches keep each set's sizes apart. */
static int face_id(const struct gh_ui *ui, int font)
{
    return ui->font_set * F_COUNT + font;
}

static struct ui_textent *lookup(struct gh_ui *ui, int font, const char *s, int len)
{
    uint32_t h = key_of(face_id(ui, font), s, len);
    int found;
    struct ui_textent *e = slot_for(h, face_id(ui, font), &found);
    if (!found) {
        char buf[1024];
        int n = len < (int)sizeof buf - 1 ? len : (int)sizeof buf - 1;
        memcpy(buf, s, (size_t)n);
        buf[n] = 0;
        e->hash = h;
        e->font = (uint8_t)face_id(ui, font);
        e->used = 1;
        if (n == 0 || TTF_SizeUTF8(ui->font[font], buf, &e->w, &e->h) != 0) {
            e->w = 0;
            e->h = ui->line_h[font];
        }
    }
    return e;
}

int ui_text_width(struct gh_ui *ui, int font, const char *s, int len)
{
    if (len < 0)
        len = (int)strlen(s);
    return lookup(ui, font, s, len)->w;
}

/* Evicts least-recently-drawn textures until the cache fits its budget. */
static void trim(void)
{
    while (cache_bytes > UI_CACHE_BYTES) {
        struct ui_textent *old = NULL;
        for (int i = 0; i < UI_CACHE_SLOTS; i++)
            if (cache[i].tex && (!old || cache[i].last < old->last))
                old = &cache[i];
        if (!old)
            break;
        SDL_DestroyTexture(old->tex);
        old->tex = NULL;
        cache_bytes -= old->bytes;
        old->bytes = 0;
    }
}

struct ui_textent *ui_text_get(struct gh_ui *ui, int font, const char *s, int len)
{
    struct ui_textent *e = lookup(ui, font, s, len);
    e->last = ++tick;
    if (!e->tex && len > 0) {
        char buf[1024];
        int n = len < (int)sizeof buf - 1 ? len : (int)sizeof buf - 1;
        memcpy(buf, s, (size_t)n);
        buf[n] = 0;
        SDL_Color white = { 255, 255, 255, 255 };
        SDL_Surface *surf = TTF_RenderUTF8_Blended(ui->font[font], buf, white);
        if (!surf)
            return e;
        e->tex = SDL_CreateTextureFromSurface(ui->ren, surf);
        e->w = surf->w;
        e->h = surf->h;
        SDL_FreeSurface(surf);
        if (e->tex) {
            SDL_SetTextureBlendMode(e->tex, SDL_BLENDMODE_BLEND);
            e->bytes = (size_t)e->w * (size_t)e->h * 4;
            cache_bytes += e->bytes;
            trim();
        }
    }
    return e;
}

/* Greedy word wrap; a word longer than the width is broken where it must. */
const struct ui_wrap *ui_text_wrap(struct gh_ui *ui, int font, const char *s, int width)
{
    uint32_t h = key_of(face_id(ui, font), s, (int)strlen(s));
    h = ui_hash(&width, sizeof width, h);
    const int fid = face_id(ui, font);
    struct ui_wrap *w = NULL, *victim = NULL;
    for (int i = 0; i < 4; i++) {
        struct ui_wrap *e = &wraps[(h + (uint32_t)i) % UI_WRAP_SLOTS];
        if (e->used && e->hash == h && e->width == width && e->font == fid) {
            e->last = ++tick;
            return e;
        }
        if (!e->used && !w)
            w = e;
        if (!victim || e->last < victim->last)
            victim = e;
    }
    if (!w)
        w = victim;
    memset(w, 0, sizeof *w);
    w->hash = h;
    w->width = width;
    w->font = (uint8_t)fid;
    w->used = 1;
    w->last = ++tick;
    int len = (int)strlen(s), pos = 0;
    if (!strchr(s, '\n') && ui_text_width(ui, font, s, len) <= width) {
        /* fits on one line: the width is cached for drawing anyway */
        w->n = len > 0;
        w->start[0] = 0;
        w->len[0] = (uint16_t)len;
        return w;
    }
    while (pos < len && w->n < UI_WRAP_LINES) {
        int nl = pos;
        while (nl < len && s[nl] != '\n')
            nl++;
        /* the longest prefix of [pos, nl) that fits, backed up to a space;
         * TTF_MeasureUTF8 counts characters, not bytes */
        char line[1024];
        int ln = nl - pos < (int)sizeof line - 1 ? nl - pos : (int)sizeof line - 1;
        memcpy(line, s + pos, (size_t)ln);
        line[ln] = 0;
        int extent = 0, count = 0;
        if (TTF_MeasureUTF8(ui->font[font], line, width, &extent, &count) != 0)
            count = ln;
        int fit = pos, chars = 0, last_space = -1;
        for (int i = 0; i <= ln; i++) {
            if (i < ln && (line[i] & 0xC0) == 0x80)
                continue;
            if (chars > count)
                break;
            fit = pos + i;
            if (i < ln && line[i] == ' ' && chars <= count)
                last_space = pos + i;
            chars++;
        }
        int end = fit;
        if (fit < nl && last_space > pos)
            end = last_space;
        if (end == pos) {               /* nothing fits: take one character */
            end = pos + 1;
            while (end < nl && (s[end] & 0xC0) == 0x80)
                end++;
        }
        w->start[w->n] = (uint16_t)pos;
        w->len[w->n] = (uint16_t)(end - pos);
        w->n++;
        pos = end;
        while (pos < nl && s[pos] == ' ')
            pos++;
        if (pos == nl && nl < len)
            pos = nl + 1;
    }
    return w;
}
