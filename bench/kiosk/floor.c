/*
 * floor.c: the floor the kiosk's start-up is measured against. A bare
 * SDL2 + SDL2_ttf program, no toolkit, no database, no plugins: it opens
 * the same fonts, draws the same sign-up form as the test form (heading,
 * six labelled fields, a toggle, two buttons) into a 1080x1920 canvas with
 * the software renderer under the dummy video driver, once, and exits.
 * Nothing is cached or reused: this is the least work a frame can take.
 *
 *   bench_kiosk_floor [--bmp FILE]
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <SDL.h>
#include <SDL_ttf.h>

static SDL_Renderer *ren;

static void rect(int x, int y, int w, int h, Uint8 r, Uint8 g, Uint8 b)
{
    SDL_Rect rc = { x, y, w, h };
    SDL_SetRenderDrawColor(ren, r, g, b, 255);
    SDL_RenderFillRect(ren, &rc);
}

static void text(TTF_Font *f, const char *s, int x, int y, int w, int h, int centre,
                 Uint8 r, Uint8 g, Uint8 b)
{
    SDL_Color c = { r, g, b, 255 };
    SDL_Surface *surf = TTF_RenderUTF8_Blended(f, s, c);
    if (!surf)
        return;
    SDL_Texture *t = SDL_CreateTextureFromSurface(ren, surf);
    SDL_Rect d = { centre ? x + (w - surf->w) / 2 : x, y + (h - surf->h) / 2, surf->w, surf->h };
    SDL_RenderCopy(ren, t, NULL, &d);
    SDL_DestroyTexture(t);
    SDL_FreeSurface(surf);
}

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const char *bmp = argc > 2 && !strcmp(argv[1], "--bmp") ? argv[2] : NULL;
    SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0)
        return 1;
    SDL_Surface *canvas = SDL_CreateRGBSurfaceWithFormat(0, 1080, 1920, 32,
                                                         SDL_PIXELFORMAT_ARGB8888);
    ren = SDL_CreateSoftwareRenderer(canvas);
    const char *dir = "/usr/share/fonts/truetype/dejavu/";
    char reg[256], bold[256];
    snprintf(reg, sizeof reg, "%sDejaVuSans.ttf", dir);
    snprintf(bold, sizeof bold, "%sDejaVuSans-Bold.ttf", dir);
    TTF_Font *small = TTF_OpenFont(reg, 30), *normal = TTF_OpenFont(reg, 38),
             *bbold = TTF_OpenFont(bold, 38), *head = TTF_OpenFont(bold, 54);
    if (!ren || !small || !normal || !bbold || !head)
        return 1;
    rect(0, 0, 1080, 1920, 244, 245, 247);
    text(head, "Test form", 48, 48, 984, 63, 0, 28, 33, 40);
    static const char *const labels[] = { "Email", "Name", "Mobile phone", "Organisation",
                                           "Unit or suite", "PIN" };
    int y = 131;
    for (int i = 0; i < 6; i++) {
        text(small, labels[i], 48, y, 984, 35, 0, 96, 104, 114);
        y += 41;
        rect(48, y, 984, 112, 150, 157, 168);
        rect(50, y + 2, 980, 108, 255, 255, 255);
        y += 132;
    }
    rect(48, y, 984, 112, 150, 157, 168);
    rect(50, y + 2, 980, 108, 255, 255, 255);
    text(normal, "Share access with management", 72, y, 700, 112, 0, 28, 33, 40);
    rect(876, y + 22, 132, 68, 150, 157, 168);
    y += 132;
    rect(48, y, 482, 112, 150, 157, 168);
    rect(50, y + 2, 478, 108, 224, 227, 232);
    text(bbold, "Back", 48, y, 482, 112, 1, 28, 33, 40);
    rect(550, y, 482, 112, 28, 92, 186);
    text(bbold, "Submit", 550, y, 482, 112, 1, 255, 255, 255);
    SDL_RenderFlush(ren);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("first-frame ms: %.1f\n",
           (t1.tv_sec - t0.tv_sec) * 1000.0 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
    fflush(stdout);                      /* the benchmark reads it as it comes */
    if (bmp)
        SDL_SaveBMP(canvas, bmp);        /* for a look only; BMP is all SDL has */
    TTF_CloseFont(small);
    TTF_CloseFont(normal);
    TTF_CloseFont(bbold);
    TTF_CloseFont(head);
    SDL_DestroyRenderer(ren);
    SDL_FreeSurface(canvas);
    TTF_Quit();
    SDL_Quit();
    return 0;
}
