#!/usr/bin/env python3
"""Counts the valgrind errors in a directory of per-process logs.

usage: summarize.py <log dir> <vqc source dir> [<PostgreSQL source dir>]

An error is a block between the VALGRINDERROR-BEGIN and -END markers.  It is
vqc's when a frame of its stack, or of the stack that allocated or created
the memory it is about (--track-origins), is in vqc.so or in a file under the
vqc source dir.  Prints the totals, the vqc errors counted by kind, top
frame and first vqc frame, and one example's stacks for each function that is
a first vqc frame; exits 1 when there is any vqc error.
"""
import collections
import glob
import os
import re
import sys

FRAME = re.compile(r'^==\d+==\s+(?:at|by) 0x[0-9A-Fa-f]+: (.*)$')
TEXT = re.compile(r'^==\d+==\s?(.*)$')
SHOWN_FRAMES = 10


def read_errors(path):
    """Yields each error of one log as a list of (is_frame, text) lines."""
    block = None
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if 'VALGRINDERROR-BEGIN' in line:
                block = []
            elif 'VALGRINDERROR-END' in line:
                if block is not None:
                    yield block
                block = None
            elif block is not None:
                m = FRAME.match(line)
                if m:
                    block.append((True, m.group(1)))
                else:
                    t = TEXT.match(line)
                    if t and t.group(1).strip():
                        block.append((False, t.group(1).strip()))


def stacks(block):
    """An error's kind and its stacks: [(header, [frames])], the first one
    headed by the kind, the others by lines like 'Uninitialised value was
    created by a heap allocation'."""
    kind = next((text for is_frame, text in block if not is_frame), '?')
    result, header, frames = [], kind, []
    for is_frame, text in block:
        if is_frame:
            frames.append(text)
        elif frames or text != kind:
            if frames:
                result.append((header, frames))
            header, frames = text, []
    if frames:
        result.append((header, frames))
    return kind, result


def main():
    log_dir, vqc_src = sys.argv[1], os.path.realpath(sys.argv[2]) + '/'
    prefixes = [(vqc_src, 'vqc/')]
    if len(sys.argv) > 3:
        prefixes.append((os.path.realpath(sys.argv[3]) + '/', ''))

    def is_vqc(frame):
        return 'vqc.so' in frame or vqc_src in frame

    def short(frame):
        for prefix, replacement in prefixes:
            frame = frame.replace(prefix, replacement)
        return frame

    logs = sorted(glob.glob(os.path.join(log_dir, '*.log')))
    total = 0
    unsymbolised = collections.Counter()
    groups = collections.OrderedDict()
    for path in logs:
        for block in read_errors(path):
            total += 1
            kind, parts = stacks(block)
            vqc_frames = [f for _, frames in parts for f in frames if is_vqc(f)]
            if not vqc_frames and parts and all(f == '???' for f in parts[0][1]):
                unsymbolised[kind] += 1
            if not vqc_frames:
                continue
            top = parts[0][1][0] if parts else '?'
            key = (kind, short(top), short(vqc_frames[0]))
            if key not in groups:
                groups[key] = [0, parts, os.path.basename(path)]
            groups[key][0] += 1
    n_vqc = sum(count for count, _, _ in groups.values())
    print(f'valgrind errors: {total} in total, {n_vqc} through vqc, in {len(logs)} process logs')
    if unsymbolised:
        # no frame has a symbol: code generated at run time, such as PCRE2's
        # JIT-compiled patterns, whose 16-byte reads of the subject memcheck flags
        print(f'{sum(unsymbolised.values())} of the others in code without symbols (JIT-compiled '
              f'code, such as PCRE2\'s), not attributable: '
              + ', '.join(f'{n}x {k}' for k, n in unsymbolised.most_common()))
    if not groups:
        return 0
    print('\ncount  kind / top frame / first vqc frame')
    for (kind, top, first_vqc), (count, _, _) in sorted(groups.items(), key=lambda g: -g[1][0]):
        print(f'{count:5}  {kind}\n         at {top}\n         vqc: {first_vqc}')
    # one example for each function of a first vqc frame, with its stacks
    examples = {}
    for (kind, top, first_vqc), (count, parts, log) in groups.items():
        examples.setdefault(first_vqc.split(' (')[0], (kind, parts, log))
    for first_vqc, (kind, parts, log) in examples.items():
        print(f'\n--- example through {first_vqc} ({log}): {kind}')
        for header, frames in parts:
            if header != kind:
                print(f'  {header}')
            for f in frames[:SHOWN_FRAMES]:
                print(f'      {short(f)}')
    return 1 if n_vqc else 0


if __name__ == '__main__':
    sys.exit(main())
