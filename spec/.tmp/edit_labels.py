import re, sys, json
def label_span(lines, i):
    ind = len(lines[i]) - len(lines[i].lstrip())
    j = i + 1
    while j < len(lines) and lines[j].strip() and (len(lines[j]) - len(lines[j].lstrip())) > ind:
        j += 1
    return j
def drop(file, needle):
    lines = open(file).read().split("\n")
    hits = [i for i,l in enumerate(lines) if l.lstrip().startswith("x-assumption:") and needle in "".join(lines[i:label_span(lines,i)])]
    assert hits, (file, needle)
    for i in reversed(hits):
        del lines[i:label_span(lines,i)]
    open(file,"w").write("\n".join(lines))
    print("dropped", len(hits), file)
if __name__ == "__main__":
    for f, n in json.loads(sys.argv[1]):
        drop(f, n)
