package record360_test

import (
	"errors"
	"fmt"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
)

// Decode a delivery of either format and read its typed payload through its event.
func Example() {
	bodies := []string{
		`{"id": "13", "object": "event", "type": "task.completed", "created_at": "2025-10-09-19:00:00Z",
		  "data": {"object": "task", "id": 397691, "name": "90 day PM Inspection", "unit": {"id": 1234, "reference_number": "89N5J6"}}}`,
		`{"event": "create", "transaction": {"id": "40849", "check_in": true, "created_at": "2024-01-16T10:00:13.716Z"}}`,
		`{"id": "30", "object": "event", "type": "inspection.updated", "data": {"object": "inspection", "id": "430"}}`,
		`{"object": "event", "type": "task.completed", "data": {"object": "task"}}`,
	}
	for _, body := range bodies {
		env, err := record360.Provider().Decode([]byte(body))
		if errors.Is(err, events.ErrInvalid) {
			fmt.Printf("%s %s rejected: %v\n", env.Version, env.Type, err)
			continue
		}
		if err != nil {
			fmt.Println("rejected:", err)
			continue
		}
		if task, ok := record360.TaskCompleted.Payload(env); ok {
			fmt.Printf("%s %s: task %s %q on unit %s, at %s\n", env.Version, env.Type, task.ID, task.Name,
				task.Unit.ReferenceNumber, env.Time.UTC().Format("2006-01-02 15:04"))
			fmt.Println("  idempotency key", env.IdempotencyKey)
			continue
		}
		if tx, ok := record360.V1TransactionCreated.Payload(env); ok {
			fmt.Printf("%s %s: transaction %s, check-in %t\n", env.Version, env.Type, tx.ID, tx.CheckIn)
			continue
		}
		fmt.Printf("%s %s: no event for it, acknowledged\n", env.Version, env.Type)
	}
	// Output:
	// v3 task.completed: task 397691 "90 day PM Inspection" on unit 89N5J6, at 2025-10-09 19:00
	//   idempotency key record360:v3:13
	// v1 v1/transaction.create: transaction 40849, check-in true
	// v3 inspection.updated: no event for it, acknowledged
	// v3 task.completed rejected: record360: v3: events: required field missing: id
}

// Read an inspection's results by testing the field of each kind.
func ExampleResult() {
	body := []byte(`{"id": "12", "object": "event", "type": "inspection.created", "data": {"object": "inspection", "id": "430",
	  "results": [
	    {"name": "Basic Checklist", "object": "checklist", "data": [
	      {"id": "odom1", "type": "textbox", "label": "Mileage", "value": 120000},
	      {"type": "checkbox", "label": "Attachments", "items": [{"id": "rake1", "label": "Rake Riddle", "value": "true"}]}]},
	    {"name": "Rental Contract", "object": "pdf_form", "link": "https://app.record360.com/v3/forms/1WwmZX857Zb6ASpv", "data": {"one": "two"}},
	    {"name": "Collision Damage Waiver", "object": "collision_damage_waiver", "accepted": false},
	    {"name": "Tire Tread", "object": "tire_tread", "data": {"depth_mm": 4}}]}}`)
	env, err := record360.Provider().Decode(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	insp, _ := record360.InspectionCreated.Payload(env)
	for _, r := range insp.Results {
		switch {
		case r.Checklist != nil:
			for _, f := range r.Checklist {
				if !f.Value.IsNull() {
					fmt.Printf("%s / %s: %s\n", r.Name, f.Label, f.Value)
				}
				for _, item := range f.Items {
					checked, _ := item.Value.Bool()
					fmt.Printf("%s / %s / %s: %t\n", r.Name, f.Label, item.Label, checked)
				}
			}
		case r.PDFForm != nil:
			fmt.Printf("%s: %s %s\n", r.Name, r.PDFForm.Link, r.PDFForm.Data)
		case r.CollisionDamageWaiver != nil:
			fmt.Printf("%s: accepted %t\n", r.Name, r.CollisionDamageWaiver.Accepted)
		default:
			fmt.Printf("%s: %s, kept raw: %s\n", r.Name, r.Object, r.Raw)
		}
	}
	// Output:
	// Basic Checklist / Mileage: 120000
	// Basic Checklist / Attachments / Rake Riddle: true
	// Rental Contract: https://app.record360.com/v3/forms/1WwmZX857Zb6ASpv {"one": "two"}
	// Collision Damage Waiver: accepted false
	// Tire Tread: tire_tread, kept raw: {"name": "Tire Tread", "object": "tire_tread", "data": {"depth_mm": 4}}
}

// Read a task whichever shape it arrived in: the webhook shape (priority, unit, username) or
// the API shape (high_priority, asset, email, activities).
func ExampleTask() {
	bodies := []string{
		`{"event": "complete", "task": {"id": 397702, "status": "completed", "name": "Pre-rental walkaround", "priority": true,
		  "unit": {"id": 63019, "reference_number": "AUTO_AD_IOS_0GzoAmiJwp"}, "assignee": {"id": 5695, "username": "tech@example.com"},
		  "completed_at": "2024-01-16T10:00:13.716Z"}}`,
		`{"event": "complete", "task": {"id": "42", "status": "idle", "name": "Inspect Bulldozer", "high_priority": false,
		  "asset": {"id": "1", "external_id": "5764868635464"}, "assignee": {"id": "8", "email": "ahmad@example.com", "name": "Ahmad Mosciski"},
		  "activities": [{"event": "Created Task", "created_at": "2020-12-16T21:25:11.807Z"}], "updated_at": "2020-12-16T21:25:11.795Z"}}`,
	}
	for _, body := range bodies {
		env, err := record360.Provider().Decode([]byte(body))
		if err != nil {
			fmt.Println(err)
			continue
		}
		task, ok := record360.V1TaskComplete.Payload(env)
		if !ok {
			continue
		}
		unit := task.Unit.ReferenceNumber
		if unit == "" {
			unit = task.Asset.ExternalID
		}
		assignee := task.Assignee.Username
		if assignee == "" {
			assignee = task.Assignee.Email
		}
		fmt.Printf("task %s %q (%s), high priority %t, unit %s, assignee %s, at %s\n", task.ID, task.Name, task.Status,
			task.IsHighPriority(), unit, assignee, env.Time.UTC().Format("2006-01-02 15:04"))
		for _, a := range task.Activities {
			fmt.Printf("  %s: %s\n", a.CreatedAt.UTC().Format("2006-01-02 15:04"), a.Event)
		}
	}
	// Output:
	// task 397702 "Pre-rental walkaround" (completed), high priority true, unit AUTO_AD_IOS_0GzoAmiJwp, assignee tech@example.com, at 2024-01-16 10:00
	// task 42 "Inspect Bulldozer" (idle), high priority false, unit 5764868635464, assignee ahmad@example.com, at 2020-12-16 21:25
	//   2020-12-16 21:25: Created Task
}
