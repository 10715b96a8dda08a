package inspectorio_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/inspectorio"
)

func TestProvider(t *testing.T) {
	p := inspectorio.Provider()
	assert.Equal(t, "inspectorio", p.Name())
	assert.Equal(t, inspectorio.Name, p.Name())
	for _, code := range p.EventTypes() {
		assert.Equal(t, strings.ToLower(code), code, "event codes are declared in lowercase, so that any case matches them")
	}
	assert.Contains(t, p.EventTypes(), inspectorio.CodeReportFileReady)
	assert.Equal(t, inspectorio.CodeReportFileReady, inspectorio.ReportFileReady.Name())
	assert.Equal(t, "inspectorio/report.created", inspectorio.ReportCreated.String())
}

// TestGolden checks every event and variant fixture field by field.
func TestGolden(t *testing.T) {
	tests := []struct {
		file    string
		event   events.Event[inspectorio.Report]
		want    inspectorio.Report
		envID   string
		idemKey string
	}{
		{
			file:  "sight_report_created.json",
			event: inspectorio.ReportCreated,
			want: inspectorio.Report{
				MessageID: "wh-638ce960-1231-11e9-a15d-d1c47c8f7593",
				EventCode: "report.created",
				EventName: "An Inspection report is uploaded",
				Payload:   inspectorio.Resource{ResourceID: "12301", Path: "/reports/12301"},
			},
			envID:   "wh-638ce960-1231-11e9-a15d-d1c47c8f7593",
			idemKey: "inspectorio:wh-638ce960-1231-11e9-a15d-d1c47c8f7593",
		},
		{
			file:  "sight_report_file_ready.json",
			event: inspectorio.ReportFileReady,
			want: inspectorio.Report{
				MessageID: "wh-9b0f4d22-1232-11e9-8c1e-0242ac120002",
				EventCode: "report.file_ready",
				EventName: "An Inspection report file is ready to view",
				Payload:   inspectorio.Resource{ResourceID: "12301", Path: "/reports/12301"},
			},
			envID:   "wh-9b0f4d22-1232-11e9-8c1e-0242ac120002",
			idemKey: "inspectorio:wh-9b0f4d22-1232-11e9-8c1e-0242ac120002",
		},
		{
			file:  "variant_event_name_reworded.json",
			event: inspectorio.ReportCreated,
			want: inspectorio.Report{
				MessageID: "wh-71d6a3b0-5e2f-11ee-9d4b-0242ac120003",
				EventCode: "report.created",
				EventName: "Report - An Inspection report is uploaded",
				Payload:   inspectorio.Resource{ResourceID: "48810", Path: "/reports/48810"},
			},
			envID:   "wh-71d6a3b0-5e2f-11ee-9d4b-0242ac120003",
			idemKey: "inspectorio:wh-71d6a3b0-5e2f-11ee-9d4b-0242ac120003",
		},
		{
			file:  "variant_resource_id_string.json",
			event: inspectorio.ReportFileReady,
			want: inspectorio.Report{
				MessageID: "wh-0c7e5b14-5e30-11ee-9d4b-0242ac120003",
				EventCode: "report.file_ready",
				EventName: "Report file is ready",
				Payload:   inspectorio.Resource{ResourceID: "48810", Path: "/reports/48810"},
			},
			envID:   "wh-0c7e5b14-5e30-11ee-9d4b-0242ac120003",
			idemKey: "inspectorio:wh-0c7e5b14-5e30-11ee-9d4b-0242ac120003",
		},
		{
			file:  "variant_message_id_number.json",
			event: inspectorio.ReportCreated,
			want: inspectorio.Report{
				MessageID: "7730041",
				EventCode: "report.created",
				EventName: "An Inspection report is uploaded",
				Payload: inspectorio.Resource{
					ResourceID: "98765432109876543210", // every digit kept
					Path:       "/reports/98765432109876543210",
				},
			},
			envID:   "7730041",
			idemKey: "inspectorio:7730041",
		},
		{
			file:  "variant_extra_fields.json",
			event: inspectorio.ReportCreated,
			want: inspectorio.Report{
				MessageID: "wh-3f1a9c88-8a41-11ef-b864-0242ac120002",
				EventCode: "report.created",
				EventName: "An Inspection report is uploaded",
				Payload:   inspectorio.Resource{ResourceID: "55120", Path: "/reports/55120"},
			},
			envID:   "wh-3f1a9c88-8a41-11ef-b864-0242ac120002",
			idemKey: "inspectorio:wh-3f1a9c88-8a41-11ef-b864-0242ac120002",
		},
		{
			file:  "variant_time_fields.json",
			event: inspectorio.ReportFileReady,
			want: inspectorio.Report{
				MessageID: "wh-5aa0c7e2-8a42-11ef-b864-0242ac120002",
				EventCode: "report.file_ready",
				EventName: "An Inspection report file is ready to view",
				Payload:   inspectorio.Resource{ResourceID: "55120", Path: "/reports/55120"},
			},
			envID:   "wh-5aa0c7e2-8a42-11ef-b864-0242ac120002",
			idemKey: "inspectorio:wh-5aa0c7e2-8a42-11ef-b864-0242ac120002",
		},
		{
			file:  "variant_nulls.json",
			event: inspectorio.ReportCreated,
			want: inspectorio.Report{
				MessageID: "wh-8e2d6f10-8a42-11ef-b864-0242ac120002",
				EventCode: "report.created",
				EventName: "",
				Payload:   inspectorio.Resource{ResourceID: "60017", Path: ""},
			},
			envID:   "wh-8e2d6f10-8a42-11ef-b864-0242ac120002",
			idemKey: "inspectorio:wh-8e2d6f10-8a42-11ef-b864-0242ac120002",
		},
		{
			file:  "variant_non_ascii.json",
			event: inspectorio.ReportCreated,
			want: inspectorio.Report{
				MessageID: "wh-a41c2e76-8a42-11ef-b864-0242ac120002",
				EventCode: "report.created",
				EventName: "Báo cáo kiểm tra đã được tải lên — 检验报告已上传",
				Payload:   inspectorio.Resource{ResourceID: "60018", Path: "/reports/60018"},
			},
			envID:   "wh-a41c2e76-8a42-11ef-b864-0242ac120002",
			idemKey: "inspectorio:wh-a41c2e76-8a42-11ef-b864-0242ac120002",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := fixture(t, tt.file)
			env, err := inspectorio.Provider().Decode(body)
			require.NoError(t, err)

			assert.Equal(t, inspectorio.Name, env.Provider)
			assert.Equal(t, inspectorio.VersionSight, env.Version)
			assert.Equal(t, tt.envID, env.ID)
			assert.Equal(t, tt.event.Name(), env.Type)
			assert.Equal(t, []string{tt.event.Name()}, env.Types)
			assert.True(t, env.Time.IsZero(), "Sight sends no timestamp")
			assert.Empty(t, env.Time.Raw)
			assert.Equal(t, tt.idemKey, env.IdempotencyKey)
			assert.Equal(t, body, env.Raw)
			assert.True(t, env.Known())

			got, ok := tt.event.Payload(env)
			require.True(t, ok)
			assert.Equal(t, tt.want, *got)

			// The other event does not match.
			other := inspectorio.ReportCreated
			if tt.event == inspectorio.ReportCreated {
				other = inspectorio.ReportFileReady
			}
			_, ok = other.Payload(env)
			assert.False(t, ok)
		})
	}
}

// TestRoutesOnEventCodeOnly checks that eventName never changes the route.
func TestRoutesOnEventCodeOnly(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantType string
		known    bool
	}{
		{
			name:     "created code with file-ready wording",
			body:     `{"messageId":"wh-1","eventCode":"report.created","eventName":"An Inspection report file is ready to view","payload":{"resourceId":1}}`,
			wantType: "report.created",
			known:    true,
		},
		{
			name:     "file-ready code with created wording",
			body:     `{"messageId":"wh-2","eventCode":"report.file_ready","eventName":"An Inspection report is uploaded","payload":{"resourceId":1}}`,
			wantType: "report.file_ready",
			known:    true,
		},
		{
			name:     "unknown code with a known wording",
			body:     `{"messageId":"wh-3","eventCode":"report.updated","eventName":"An Inspection report is uploaded","payload":{"resourceId":1}}`,
			wantType: "report.updated",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := inspectorio.Provider().Decode([]byte(tt.body))
			require.NoError(t, err)
			assert.Equal(t, tt.wantType, env.Type)
			assert.Equal(t, tt.known, env.Known())
		})
	}
}

// TestEventCodeCase checks that an eventCode matches its event whatever its ASCII case, with
// the package's spelling in Type and the code as sent kept in Types and in the payload.
func TestEventCodeCase(t *testing.T) {
	tests := []struct {
		code  string
		event events.Event[inspectorio.Report]
		types []string
	}{
		{"report.created", inspectorio.ReportCreated, []string{"report.created"}},
		{"REPORT.CREATED", inspectorio.ReportCreated, []string{"report.created", "REPORT.CREATED"}},
		{"Report.Created", inspectorio.ReportCreated, []string{"report.created", "Report.Created"}},
		{"REPORT.FILE_READY", inspectorio.ReportFileReady, []string{"report.file_ready", "REPORT.FILE_READY"}},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			body := `{"messageId":"wh-4","eventCode":"` + tt.code + `","payload":{"resourceId":1}}`
			env, err := inspectorio.Provider().Decode([]byte(body))
			require.NoError(t, err)
			assert.Equal(t, tt.event.Name(), env.Type, "routed on the package's spelling")
			assert.Equal(t, tt.types, env.Types)
			assert.True(t, env.Is(tt.code), "the code as sent is among the types")
			r, ok := tt.event.Payload(env)
			require.True(t, ok, "the event's handler gets it")
			assert.Equal(t, tt.code, r.EventCode, "the payload keeps the code as sent")
			assert.Equal(t, "inspectorio:wh-4", env.IdempotencyKey, "the case does not change the key")
		})
	}

	// Only ASCII case is ignored (the second code has a Cyrillic е), and a code of no event is
	// kept as sent.
	for _, code := range []string{"report.createD ", "rеport.created", "Report.Updated"} {
		t.Run(code, func(t *testing.T) {
			env, err := inspectorio.Provider().Decode([]byte(`{"messageId":"wh-5","eventCode":"` + code + `","payload":{"resourceId":1}}`))
			require.NoError(t, err)
			assert.Equal(t, code, env.Type)
			assert.Equal(t, []string{code}, env.Types)
			assert.False(t, env.Known())
		})
	}
}

func TestUnknownEvent(t *testing.T) {
	body := fixture(t, "unknown_inspection_updated.json")
	env, err := inspectorio.Provider().Decode(body)
	require.NoError(t, err)
	assert.Equal(t, "inspection.updated", env.Type)
	assert.Equal(t, "wh-c0ffee00-8a43-11ef-b864-0242ac120002", env.ID)
	assert.Equal(t, "inspectorio:wh-c0ffee00-8a43-11ef-b864-0242ac120002", env.IdempotencyKey)
	assert.Nil(t, env.Payload)
	_, ok := inspectorio.ReportCreated.Payload(env)
	assert.False(t, ok)

	// An unknown event's payload is never read, so any shape is accepted, and resourceId is
	// not required.
	for _, body := range []string{
		`{"messageId":"wh-5","eventCode":"audit.done","payload":[1,2,3]}`,
		`{"messageId":"wh-6","eventCode":"audit.done","payload":"text"}`,
		`{"messageId":"wh-7","eventCode":"audit.done"}`,
	} {
		env, err := inspectorio.Provider().Decode([]byte(body))
		require.NoError(t, err, body)
		assert.Nil(t, env.Payload, body)
	}
}

// TestUnknownFileReadyCode checks the documented workaround for a file-ready code other than the
// assumed one: the fallback gets the body, which decodes into a Report.
func TestUnknownFileReadyCode(t *testing.T) {
	body := fixture(t, "unknown_report_file_other_code.json")
	env, err := inspectorio.Provider().Decode(body)
	require.NoError(t, err)
	assert.Equal(t, "report.file.ready", env.Type)
	assert.Nil(t, env.Payload)

	var r inspectorio.Report
	require.NoError(t, events.Unmarshal(env.Raw, &r))
	assert.Equal(t, events.ID("12301"), r.Payload.ResourceID)
	assert.Equal(t, "An Inspection report file is ready to view", r.EventName)
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		want   error
		fields []string // for ErrInvalid
	}{
		{name: "empty", body: ``, want: events.ErrNotJSON},
		{name: "spaces", body: " \n\t", want: events.ErrNotJSON},
		{name: "syntax", body: `{"messageId":`, want: events.ErrNotJSON},
		{name: "invalid UTF-8", body: "{\"messageId\":\"\xc3\x28\"}", want: events.ErrNotJSON},
		{name: "too deep", body: strings.Repeat("[", 100) + strings.Repeat("]", 100), want: events.ErrNotJSON},
		{name: "array", body: `[]`, want: events.ErrShape},
		{name: "string", body: `"report.created"`, want: events.ErrShape},
		{name: "number", body: `12301`, want: events.ErrShape},
		{name: "null", body: `null`, want: events.ErrShape},
		{name: "empty object", body: `{}`, want: events.ErrShape},
		{name: "all null", body: `{"messageId":null,"eventCode":null,"payload":null}`, want: events.ErrShape},
		{name: "other provider", body: `{"id":"evt_1","type":"report.completed","data":{}}`, want: events.ErrShape},
		{name: "eventCode object", body: `{"messageId":"wh-1","eventCode":{"code":"report.created"}}`, want: events.ErrShape},
		{name: "messageId object", body: `{"messageId":{},"eventCode":"report.created"}`, want: events.ErrShape},
		{name: "messageId bool", body: `{"messageId":true,"eventCode":"report.created"}`, want: events.ErrShape},
		{name: "payload array", body: `{"messageId":"wh-1","eventCode":"report.created","payload":[]}`, want: events.ErrShape},
		{name: "path number", body: `{"messageId":"wh-1","eventCode":"report.created","payload":{"resourceId":1,"path":7}}`, want: events.ErrShape},
		{name: "eventName number", body: `{"messageId":"wh-1","eventCode":"report.created","eventName":5,"payload":{"resourceId":1}}`, want: events.ErrShape},
		{name: "only messageId", body: `{"messageId":"wh-1"}`, want: events.ErrNoType},
		{name: "only payload", body: `{"payload":{"resourceId":1}}`, want: events.ErrNoType},
		{name: "eventCode null", body: `{"messageId":"wh-1","eventCode":null,"payload":{"resourceId":1}}`, want: events.ErrNoType},
		{name: "eventCode empty", body: `{"messageId":"wh-1","eventCode":"","payload":{"resourceId":1}}`, want: events.ErrNoType},
		{name: "eventName but no eventCode", body: `{"messageId":"wh-1","eventName":"An Inspection report is uploaded"}`, want: events.ErrNoType},
		{
			name: "no messageId", body: `{"eventCode":"report.created","payload":{"resourceId":1}}`,
			want: events.ErrInvalid, fields: []string{"messageId"},
		},
		{
			name: "empty messageId", body: `{"messageId":"","eventCode":"report.created","payload":{"resourceId":1}}`,
			want: events.ErrInvalid, fields: []string{"messageId"},
		},
		{
			name: "no messageId, unknown event", body: `{"eventCode":"report.deleted","payload":{}}`,
			want: events.ErrInvalid, fields: []string{"messageId"},
		},
		{
			name: "no resourceId", body: `{"messageId":"wh-1","eventCode":"report.created","payload":{"path":"/reports/1"}}`,
			want: events.ErrInvalid, fields: []string{"payload.resourceId"},
		},
		{
			name: "null payload", body: `{"messageId":"wh-1","eventCode":"report.file_ready","payload":null}`,
			want: events.ErrInvalid, fields: []string{"payload.resourceId"},
		},
		{
			name: "no messageId nor resourceId", body: `{"eventCode":"report.created"}`,
			want: events.ErrInvalid, fields: []string{"messageId", "payload.resourceId"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, verr := eventstest.Reject(t, inspectorio.Provider(), []byte(tt.body), tt.want)
			if verr != nil {
				assert.Equal(t, tt.fields, verr.Fields)
			}
		})
	}
}

func TestMissingMessageIDKeepsPayload(t *testing.T) {
	body := fixture(t, "bad_missing_message_id.json")
	env, err := inspectorio.Provider().Decode(body)
	require.ErrorIs(t, err, events.ErrInvalid)
	require.NotNil(t, env)
	assert.Empty(t, env.ID)
	assert.Equal(t, "report.created", env.Type)
	r, ok := inspectorio.ReportCreated.Payload(env)
	require.True(t, ok, "the payload is decoded so the caller can log what arrived")
	assert.Equal(t, events.ID("12301"), r.Payload.ResourceID)
	assert.Equal(t, events.BodyKey(inspectorio.Name, body), env.IdempotencyKey)
}

// TestErrorMessages checks the message a sender is answered with, which names the JSON path at
// fault and never the body's text.
func TestErrorMessages(t *testing.T) {
	tests := map[string]string{
		`{"messageId":"wh-1","eventCode":{"code":"report.created"}}`:                            "field eventCode has the wrong JSON type",
		`{"messageId":{"id":"wh-1"},"eventCode":"report.created"}`:                              "field messageId has the wrong JSON type",
		`{"messageId":"wh-1","eventCode":"report.created","payload":[]}`:                        "field payload has the wrong JSON type",
		`{"messageId":"wh-1","eventCode":"report.created","payload":{"resourceId":{"id":1}}}`:   "field payload.resourceId has the wrong JSON type",
		`{"messageId":"wh-1","eventCode":"REPORT.CREATED","payload":{"path":7,"resourceId":1}}`: "field payload.path has the wrong JSON type",
		`{"messageId":"wh-1","eventCode":"report.created","payload":{}}`:                        "required field missing: payload.resourceId",
		`{"eventCode":"report.created"}`:                                                        "required fields missing: messageId, payload.resourceId",
		`{"messageId":"wh-1"}`:                                                                  "no event type in the body",
		`{"id":"evt_1","type":"report.completed"}`:                                              "body is not this provider's shape",
		`{"messageId":"wh-1",`:                                                                  "body is not valid JSON",
	}
	for body, want := range tests {
		t.Run(want, func(t *testing.T) {
			_, err := inspectorio.Provider().Decode([]byte(body))
			require.Error(t, err)
			assert.Equal(t, want, events.Message(err))
		})
	}
}
