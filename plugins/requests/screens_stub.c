#include "requests.h"
int rq_screens_register(struct requests *rq) { (void)rq; return 0; }
void rq_wipe(struct requests *rq) { (void)rq; }
