# Merges a stage's metrics file of this run (NEW) into the one published by
# the previous run (PREV), so the published file holds counters that only go
# up, as Prometheus expects: counter and histogram series are the sum of
# both, gauges are NEW's, and a counter series only PREV has stays (at its
# value) so it never vanishes and comes back as a "new" series.
# Usage: awk -f prom-accumulate.awk PREV NEW > OUT   (PREV may be /dev/null)
# Families come out in NEW's order, then the ones only PREV had.
{ file = (FILENAME == ARGV[1]) ? 1 : 2 }
/^# HELP / { help[$3] = $0; next }
/^# TYPE / {
	fam = $3
	type[fam] = $4
	if (!(fam in seen)) { seen[fam] = 1; order[++nfam] = fam; from_new[fam] = (file == 2) }
	else if (file == 2) from_new[fam] = 1
	next
}
/^#/ || NF < 2 { next }
{
	key = $0
	sub(/ [^ ]*$/, "", key)  # name{labels}
	val = $NF
	if (!(key in fam_of)) {
		fam_of[key] = fam
		nser[fam]++
		ser[fam, nser[fam]] = key
	}
	if (file == 1) prev[key] = val
	else { cur[key] = val; in_new[key] = 1 }
}
END {
	for (pass = 1; pass <= 2; pass++)
		for (i = 1; i <= nfam; i++) {
			f = order[i]
			if ((pass == 1) != (from_new[f] == 1)) continue
			acc = (type[f] == "counter" || type[f] == "histogram")
			if (!acc && !from_new[f]) continue  # a gauge this run did not set
			out = ""
			for (j = 1; j <= nser[f]; j++) {
				k = ser[f, j]
				if (acc) v = (k in prev ? prev[k] : 0) + (k in in_new ? cur[k] : 0)
				else if (k in in_new) v = cur[k]
				else continue
				out = out sprintf("%s %.15g\n", k, v)
			}
			if (out == "") continue
			if (f in help) print help[f]
			print "# TYPE " f " " type[f]
			printf "%s", out
		}
}
