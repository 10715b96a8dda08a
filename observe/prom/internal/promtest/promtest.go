// Package promtest reads gathered metrics back as plain values, for the tests of observe/prom
// and its subpackages.
package promtest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// Series gathers the families named (every family when none is) and returns each series as
// `name{label="value",...}` (labels sorted by name, as the registry sorts them) with its value:
// a counter's or gauge's value, a histogram's sample count; a family of another type is an error.
func Series(g prometheus.Gatherer, names ...string) (map[string]float64, error) {
	mfs, err := g.Gather()
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if len(names) > 0 && !slices.Contains(names, mf.GetName()) {
			continue
		}
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, lp := range m.GetLabel() {
				labels = append(labels, lp.GetName()+"="+strconv.Quote(lp.GetValue()))
			}
			key := mf.GetName()
			if len(labels) > 0 {
				key += "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.GetCounter() != nil:
				out[key] = m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				out[key] = m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				out[key] = float64(m.GetHistogram().GetSampleCount())
			default:
				return nil, fmt.Errorf("%s: unexpected metric type %v", key, mf.GetType())
			}
		}
	}
	return out, nil
}
