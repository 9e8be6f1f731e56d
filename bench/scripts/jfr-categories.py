#!/usr/bin/env python3
"""Where a node's CPU time goes, by library, from a JFR recording of `lattice bench`.

Usage: jfr print --events jdk.ExecutionSample --stack-depth 64 FILE.jfr > samples.txt
       python3 bench/scripts/jfr-categories.py samples.txt

Only the node's threads count (lattice-*, and db-* for the journal's JDBC work), not the
baselines' or the bench driver's. Each sample goes to the innermost frame that belongs to a
library named below; JDK and Scala frames are looked through to their caller.
"""
import re,sys,collections
txt=open(sys.argv[1]).read()
events=txt.split('jdk.ExecutionSample')
cats=[('org.h2.mvstore','H2 store (commit, pages)'),('org.h2','H2 SQL (insert, query)'),('dev.lattice','Lattice'),
('org.apache.pekko.persistence.jdbc','pekko-persistence-jdbc'),('org.apache.pekko.persistence','pekko-persistence'),
('com.fasterxml','Jackson'),('slick','Slick'),('com.zaxxer','HikariCP'),('org.apache.pekko.stream','Pekko streams'),
('org.apache.pekko.cluster','Pekko sharding/cluster'),('org.apache.pekko','Pekko actors'),('scala','Scala library'),('java','JDK'),('jdk','JDK')]
c=collections.Counter(); n=0
for e in events:
    m=re.search(r'sampledThread = "([^"]*)"',e)
    if not m or not (m.group(1).startswith('lattice-') or m.group(1).startswith('db-')): continue
    frames=re.findall(r'^\s+([\w.$]+)\.[\w$<>]+\(',e,re.M)
    n+=1
    for f in frames:
        hit=None
        for pre,name in cats:
            if f.startswith(pre): hit=name;break
        if hit and hit not in ('JDK','Scala library'): c[hit]+=1;break
    else: c['JDK/Scala only']+=1
for k,v in c.most_common(): print(f"{k:28s} {100*v/n:5.1f}%")
print('samples',n)
