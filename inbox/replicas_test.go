package inbox_test

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/verify"
)

// TestReplicas sends 1,000 identical deliveries at once, spread over three receivers, each
// with its own pool and inbox on one shared schema: one is queued, the others are answered as
// already received, the inbox holds one job and the handler runs once.
func TestReplicas(t *testing.T) {
	const deliveries = 1000
	url := crashPostgresURL(t)
	schema := crashSchema(t, url, "inbox_replicas")
	runs := newOutageRuns()
	var nodes []*outageNode
	for i := range 3 {
		nodes = append(nodes, outageStart(t, url, schema, schema+"_"+strconv.Itoa(i), nil, runs))
	}
	signer, err := verify.NewHMAC(verify.VehReports(crashSecret))
	require.NoError(t, err)
	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 100},
	}
	body := crashBody(7)

	var (
		mu      sync.Mutex
		answers = map[string]int{}
		wg      sync.WaitGroup
		start   = make(chan struct{})
	)
	for i := range deliveries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			status, _, text, err := outagePost(t.Context(), client, signer, nodes[i%len(nodes)].srv.URL, body)
			key := strconv.Itoa(status) + " " + text
			if err != nil {
				key = "error: " + err.Error()
			}
			mu.Lock()
			answers[key]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	t.Logf("answers: %v", answers)
	assert.Equal(t, map[string]int{
		"200 ok: queued\n":           1,
		"200 ok: already received\n": deliveries - 1,
	}, answers)

	runs.waitFor(t, []string{"evt_7"}, 30*time.Second)
	var jobs []inbox.Job
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		jobs, err = nodes[0].ib.List(t.Context(), inbox.ListParams{})
		require.NoError(t, err)
		if len(jobs) != 1 || jobs[0].State == "completed" {
			break
		}
		select {
		case <-deadline.C:
			t.Fatalf("the job did not complete: %+v", jobs)
		case <-tick.C:
		}
	}
	require.Len(t, jobs, 1, "jobs in the shared inbox")
	assert.Equal(t, "completed", jobs[0].State)
	assert.Equal(t, map[string]int{"evt_7": 1}, runs.snapshot(), "handler runs")
}
