#!/usr/bin/env python3
"""Fails when modules of src/ import each other in a cycle (a parent and its own children
excepted), file by file and between the crate's top modules (its layers): a cycle means two
parts that cannot be understood, or split, one without the other.

    python3 .ci/module_cycles.py        # from the repository root; exit 1 and the cycles if any

It reads `crate::` and `super::` paths outside each file's test module, maps them to the
module files of src/, and reports every strongly connected group of modules.
"""
import os
import re
import sys
root='src'
mods={}
for dp,dn,fn in os.walk(root):
    for f in fn:
        if not f.endswith('.rs'): continue
        p=os.path.join(dp,f); rel=os.path.relpath(p,root)[:-3].split('/')
        if rel[-1] in ('mod','lib','main'): rel=rel[:-1]
        mods[tuple(rel)]=p
def resolve(cur, path):
    parts=path.split('::')
    if parts[0]=='crate': base=[]; parts=parts[1:]
    elif parts[0]=='super':
        base=list(cur[:-1]); parts=parts[1:]
        while parts and parts[0]=='super': base=base[:-1]; parts=parts[1:]
    elif parts[0]=='self': base=list(cur); parts=parts[1:]
    else: return None
    best=None
    for i in range(len(parts)+1):
        t=tuple(base+parts[:i])
        if t in mods: best=t
    return best
edges={}
for m,p in mods.items():
    src=open(p).read()
    # strip tests module
    src=re.split(r'#\[cfg\(test\)\]\s*mod tests', src)[0]
    deps=set()
    for u in re.findall(r'(?:crate|super)(?:::\w+)+', src):
        t=resolve(m,u)
        if t and t!=m and not (t==m[:len(t)] or m==t[:len(m)]): deps.add(t)
    edges[m]=deps
# strongly connected components (any length)
idx={};low={};st=[];on=set();out=[];c=[0]
sys.setrecursionlimit(10000)
def sc(v):
    idx[v]=low[v]=c[0];c[0]+=1;st.append(v);on.add(v)
    for w in edges.get(v,()):
        if w not in idx: sc(w);low[v]=min(low[v],low[w])
        elif w in on: low[v]=min(low[v],idx[w])
    if low[v]==idx[v]:
        comp=[]
        while True:
            w=st.pop();on.discard(w);comp.append(w)
            if w==v: break
        if len(comp)>1: out.append(comp)
for v in edges:
    if v not in idx: sc(v)
for comp in out: print('files import each other in a circle:', sorted('::'.join(x) for x in comp))

# The same at the level of the crate's top modules (analysis, render, check, ...): a layer
# that imports a layer above it is a circle too, even when no two files close it.
top_edges = {}
for a, deps in edges.items():
    for b in deps:
        if a[:1] != b[:1] and a and b:
            top_edges.setdefault(a[:1], set()).add(b[:1])
edges = top_edges
idx.clear(); low.clear(); st.clear(); on.clear()
before = len(out)
for v in list(edges):
    if v not in idx: sc(v)
for comp in out[before:]: print('top modules import each other in a circle:', sorted('::'.join(x) for x in comp))
sys.exit(1 if out else 0)
