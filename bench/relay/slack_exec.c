/*
 * slack_exec.c: runs a command with a timer slack of 1 ns (inherited by its
 * children and kept across exec). umockdev's preload yields with usleep(0)
 * after every emulated ioctl, which the default 50 us slack stretches to
 * ~90 us on this machine; run.sh puts both peers (our layer and the usbrelay
 * CLI) under the same slack so the simulator's overhead weighs the same on
 * both sides, as TESTING.md recommends for the simulator itself.
 *
 *   slack-exec COMMAND [ARGS...]
 */
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: slack-exec COMMAND [ARGS...]\n");
        return 2;
    }
    if (prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) != 0)
        perror("slack-exec: prctl");
    execvp(argv[1], argv + 1);
    perror(argv[1]);
    return 127;
}
