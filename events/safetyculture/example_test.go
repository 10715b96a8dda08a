package safetyculture_test

import (
	"fmt"

	"github.com/inspecthook/inspecthook/events/safetyculture"
)

// A legacy delivery and a newer one decode to the same payload type; route on events, which match
// any type the delivery lists, not only the first.
func Example() {
	legacy := []byte(`{
	  "version": "1.0.0",
	  "workflow_id": "workflow_8abb7bff902a43a5b3bd498f4bebb42j",
	  "event": {"date_triggered": "2017-06-29T05:15:19.136Z", "event_types": ["audit_completed"],
	            "triggered_by": {"type": "user", "user": "user_bb5b", "name": "John Smith"}},
	  "data": {"audit": {"audit_id": "audit_7e9e", "audit_data": {"score": 4, "total_score": 5}},
	           "template": {"template_id": "template_ca59", "name": "Site walk"}}
	}`)
	newer := []byte(`{
	  "webhook_id": "5378baaa-a470-48cc-8f11-ae2893551234",
	  "version": "3.0.0",
	  "event": {"date_triggered": "2023-07-12T01:37:09Z",
	            "event_types": ["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_METADATA", "TRIGGER_EVENT_INSPECTION_COMPLETED_STATUS"],
	            "triggered_by": {"user": "user_b0bc", "organization": "53465cd9"}},
	  "resource": {"id": "audit_047e", "type": "INSPECTION"},
	  "data": {"details": {"inspection_id": "audit_047e", "modify_time": "2023-07-12T01:37:08.412Z", "score": {}}}
	}`)

	p := safetyculture.Provider()
	for _, body := range [][]byte{legacy, newer} {
		env, err := p.Decode(body)
		if err != nil {
			fmt.Println("rejected:", err)
			continue
		}
		fmt.Println(env.Version, env.Type, env.Time.UTC().Format("2006-01-02 15:04:05"))
		if ev, ok := safetyculture.InspectionCompleted.Payload(env); ok {
			fmt.Println("  completed:", ev.InspectionID(), ev.Data.Audit.AuditData.Score, "of", ev.Data.Audit.AuditData.TotalScore)
		}
		if ev, ok := safetyculture.InspectionCompletedStatus.Payload(env); ok {
			fmt.Println("  completion set:", ev.InspectionID(), "in category", env.Is(safetyculture.CategoryInspection))
		}
	}
	// Output:
	// 1.0.0 TRIGGER_EVENT_INSPECTION_COMPLETED 2017-06-29 05:15:19
	//   completed: audit_7e9e 4 of 5
	// 3.0.0 TRIGGER_EVENT_INSPECTION_COMPLETED_STATUS 2023-07-12 01:37:09
	//   completion set: audit_047e in category true
}
