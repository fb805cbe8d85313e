/* a.c: half of a planted cycle for the architecture check's own test. */
int b_calls_back(int n);

int a_calls(int n)
{
    return n > 0 ? b_calls_back(n - 1) : 0;
}
