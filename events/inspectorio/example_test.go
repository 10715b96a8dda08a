package inspectorio_test

import (
	"errors"
	"fmt"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
)

func ExampleProvider() {
	body := []byte(`{
	  "messageId": "wh-638ce960-1231-11e9-a15d-d1c47c8f7593",
	  "eventCode": "report.created",
	  "eventName": "An Inspection report is uploaded",
	  "payload": {"resourceId": 12301, "path": "/reports/12301"}
	}`)

	env, err := inspectorio.Provider().Decode(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(env.Type, env.IdempotencyKey)
	if r, ok := inspectorio.ReportCreated.Payload(env); ok {
		fmt.Println("report", r.Payload.ResourceID, "at", r.Payload.Path)
	}

	// A delivery without messageId fails validation; the envelope still says what arrived.
	env, err = inspectorio.Provider().Decode([]byte(`{"eventCode":"report.created","payload":{"resourceId":12301}}`))
	fmt.Println(errors.Is(err, events.ErrInvalid), env.Type)
	// Output:
	// report.created inspectorio:wh-638ce960-1231-11e9-a15d-d1c47c8f7593
	// report 12301 at /reports/12301
	// true report.created
}
