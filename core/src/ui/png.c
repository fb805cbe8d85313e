/*
 * png.c: screenshots as PNG files a person can open (SDL2 itself writes
 * only BMP), and the home screen's logo read from one. Uses Debian's libpng; the surface is converted to packed RGB
 * first so the rows can be handed to libpng as they are.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <png.h>
#include "ui_internal.h"

int ui_png_write(const char *path, SDL_Surface *s, char *err, size_t errlen)
{
    FILE *volatile f = NULL;   /* live across setjmp: keep it out of registers */
    png_structp png = NULL;
    png_infop info = NULL;
    SDL_Surface *rgb = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGB24, 0);
    if (!rgb) {
        snprintf(err, errlen, "screenshot: %s", SDL_GetError());
        goto fail;
    }
    f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "screenshot: can't write %s", path);
        goto fail;
    }
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        snprintf(err, errlen, "screenshot: libpng: out of memory");
        goto fail;
    }
    if (setjmp(png_jmpbuf(png))) {
        snprintf(err, errlen, "screenshot: libpng failed writing %s", path);
        goto fail;
    }
    png_init_io(png, f);
    png_set_compression_level(png, 3);     /* fast: tests write many */
    png_set_IHDR(png, info, (png_uint_32)rgb->w, (png_uint_32)rgb->h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < rgb->h; y++)
        png_write_row(png, (png_const_bytep)rgb->pixels + (size_t)y * (size_t)rgb->pitch);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    SDL_FreeSurface(rgb);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "screenshot: can't write %s", path);
        return -1;
    }
    return 0;
fail:
    if (png)
        png_destroy_write_struct(&png, info ? &info : NULL);
    if (f)
        fclose(f);
    if (rgb)
        SDL_FreeSurface(rgb);
    return -1;
}

/* A PNG file as a surface (ARGB8888), for the home screen's logo: libpng's
 * simplified reader, which refuses anything that is not a PNG. NULL and err
 * saying why (unreadable, not a PNG, too large). */
SDL_Surface *ui_png_read(const char *path, int max_side, char *err, size_t errlen)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "can't be read: %s", strerror(errno));
        return NULL;
    }
    if (!png_image_begin_read_from_stdio(&img, f)) {
        snprintf(err, errlen, "is not a PNG image (%s)", img.message);
        fclose(f);
        return NULL;
    }
    if (img.width == 0 || img.height == 0 || img.width > (png_uint_32)max_side ||
        img.height > (png_uint_32)max_side) {
        snprintf(err, errlen, "is %ux%u px; at most %dx%d", (unsigned)img.width,
                 (unsigned)img.height, max_side, max_side);
        png_image_free(&img);
        fclose(f);
        return NULL;
    }
    img.format = PNG_FORMAT_BGRA;        /* ARGB8888 in memory on little-endian */
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, (int)img.width, (int)img.height, 32,
                                                    SDL_PIXELFORMAT_ARGB8888);
    if (!s || !png_image_finish_read(&img, NULL, s->pixels, s->pitch, NULL)) {
        snprintf(err, errlen, "could not be decoded (%s)", s ? img.message : "out of memory");
        if (s)
            SDL_FreeSurface(s);
        png_image_free(&img);
        fclose(f);
        return NULL;
    }
    fclose(f);
    return s;
}
