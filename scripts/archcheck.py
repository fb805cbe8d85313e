#!/usr/bin/env python3
"""archcheck: file-level call cycles and long functions in C source folders.

Usage: archcheck.py [--max-lines N] [--quiet] [--layers] DIR...
       archcheck.py --objects BUILD_DIR...

Each DIR is checked on its own (its *.c files, not sub-folders): a call from a
function in a.c to a non-static function defined in b.c (same DIR) is an edge
a.c -> b.c.  Every strongly connected set of two or more files is a cycle and
is printed with the calls that make it.  Functions longer than --max-lines
(default 80, counted from the line of the name to the closing brace) are
listed.  --layers prints each DIR's files by layer when there is no cycle:
layer 0 calls no other file of DIR, layer n calls only files of lower
layers.  Exit status 1 if there is a cycle or a long function, else 0.

--objects looks at what the compiler made instead: in every folder under
BUILD_DIR that holds two or more object files (*.o; tests and benchmarks
left out), an undefined symbol of a.o that b.o defines (nm) is an edge
a.o -> b.o. That also sees references the call check can't: a function's
address put in a table, a global variable. Exit status 1 on a cycle.

Needs Universal Ctags (Debian's universal-ctags) for function extents, and
nm (binutils) for --objects.
"""
import os
import re
import subprocess
import sys

IDENT_CALL = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def strip_c(text):
    """Blank comments, strings and char literals, keeping line breaks."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    """[(name, start, end, is_static)] from ctags."""
    res = subprocess.run(
        ["ctags", "--c-kinds=f", "--fields=+ne", "-f", "-", path],
        capture_output=True, text=True, check=True)
    fns = []
    for line in res.stdout.splitlines():
        parts = line.split("\t")
        fields = dict(p.split(":", 1) for p in parts[3:] if ":" in p)
        if "line" not in fields or "end" not in fields:
            continue
        fns.append((parts[0], int(fields["line"]), int(fields["end"]),
                    "file" in fields))
    return fns


def check_dir(d, max_lines):
    files = sorted(f for f in os.listdir(d) if f.endswith(".c"))
    defs = {}      # name -> file (non-static)
    per_file = {}
    for f in files:
        fns = functions(os.path.join(d, f))
        per_file[f] = fns
        for name, _, _, static in fns:
            if not static:
                defs.setdefault(name, f)
    edges = {f: {} for f in files}
    longs = []
    for f in files:
        with open(os.path.join(d, f), encoding="utf-8", errors="replace") as fh:
            lines = strip_c(fh.read()).split("\n")
        local = {name for name, *_ in per_file[f]}
        for name, start, end, _ in per_file[f]:
            if end - start + 1 > max_lines:
                longs.append((end - start + 1, f, name, start))
            body = "\n".join(lines[start:end])  # skip the signature line
            for m in IDENT_CALL.finditer(body):
                callee = m.group(1)
                if callee in local:
                    continue
                target = defs.get(callee)
                if target and target != f:
                    edges[f].setdefault(target, set()).add(f"{name} -> {callee}")
    return files, edges, longs


def sccs(nodes, edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in nodes:
        if v not in index:
            visit(v)
    return [c for c in out if len(c) > 1]


def layers(files, edges):
    """Longest-path layering of an acyclic file graph."""
    level = {}

    def depth(f):
        if f not in level:
            level[f] = 1 + max((depth(g) for g in edges[f]), default=-1)
        return level[f]

    for f in files:
        depth(f)
    out = {}
    for f, n in level.items():
        out.setdefault(n, []).append(f)
    return [sorted(out[n]) for n in sorted(out)]


def object_graph(folder):
    """({a.o}, {a.o: {b.o: {symbols}}}) for the object files in one folder."""
    objs = sorted(f for f in os.listdir(folder) if f.endswith(".o"))
    defined, undefined = {}, {}
    # one nm for the folder: "-A" names each line's file, "FILE.o:..."
    out = subprocess.run(["nm", "-A"] + objs, cwd=folder, capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        where, _, rest = line.partition(":")
        o, p = os.path.basename(where), rest.split()
        if len(p) == 3 and p[1] in "TDBRV":
            defined.setdefault(p[2], o)
        elif len(p) == 2 and p[0] == "U":
            undefined.setdefault(o, set()).add(p[1])
    edges = {o: {} for o in objs}
    for o, syms in undefined.items():
        for sym in syms:
            t = defined.get(sym)
            if t and t != o:
                edges[o].setdefault(t, set()).add(sym)
    return objs, edges


def check_objects(roots):
    """Cycles among the object files of each folder under roots; 1 if any."""
    bad, folders = False, 0
    for root in roots:
        for folder, _, names in sorted(os.walk(root)):
            rel = os.path.relpath(folder, root)
            if re.search(r"(^|/)(tests|bench)(/|$)", rel):
                continue
            if sum(n.endswith(".o") for n in names) < 2:
                continue
            folders += 1
            objs, edges = object_graph(folder)
            for comp in sccs(objs, edges):
                bad = True
                print(f"{rel}: cycle: " + " <-> ".join(comp))
                for a in comp:
                    for b, syms in sorted(edges[a].items()):
                        if b in comp:
                            print(f"    {a} -> {b}: " + ", ".join(sorted(syms)[:3]))
    print(f"{len(roots)} build folder(s): {folders} object folder(s), "
          f"{'a cycle' if bad else 'no cycle'}")
    return 1 if bad else 0


def main(argv):
    if argv and argv[0] == "--objects":
        if len(argv) < 2:
            print(__doc__.strip(), file=sys.stderr)
            return 2
        return check_objects(argv[1:])
    max_lines, quiet, show_layers, dirs = 80, False, False, []
    it = iter(argv)
    for a in it:
        if a == "--max-lines":
            max_lines = int(next(it))
        elif a == "--quiet":
            quiet = True
        elif a == "--layers":
            show_layers = True
        else:
            dirs.append(a)
    if not dirs:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    bad = False
    for d in dirs:
        if not os.path.isdir(d):
            continue
        files, edges, longs = check_dir(d, max_lines)
        cycles = sccs(files, edges)
        print(f"{d}: {len(files)} files, {len(cycles)} cycle(s), "
              f"{len(longs)} function(s) over {max_lines} lines")
        for comp in cycles:
            bad = True
            print("  cycle: " + " <-> ".join(comp))
            if quiet:
                continue
            for a in comp:
                for b, calls in sorted(edges[a].items()):
                    if b in comp:
                        sample = ", ".join(sorted(calls)[:3])
                        print(f"    {a} -> {b}: {sample}")
        if show_layers and not cycles:
            for n, fs in enumerate(layers(files, edges)):
                print(f"  layer {n}: " + " ".join(fs))
        for length, f, name, start in sorted(longs, reverse=True):
            bad = True
            print(f"  long: {f}:{start} {name} {length} lines")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
