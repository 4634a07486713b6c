// Package metrics defines the service's Prometheus metrics in one place, so that every label is
// reviewed once: labels are routes, codes, languages and outcomes, never message text, phone numbers
// or names.
package metrics

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/riverqueue/river"
)

// Metrics holds every collector of one process.
type Metrics struct {
	Registry *prometheus.Registry

	HTTPRequests      *prometheus.CounterVec   // method, route, status
	HTTPDuration      *prometheus.HistogramVec // method, route
	MessagesIngested  *prometheus.CounterVec   // channel, outcome: accepted, duplicate, rejected, unavailable
	MessagesLanguage  *prometheus.CounterVec   // language, source
	LanguageDetection prometheus.Histogram
	Jobs              *prometheus.CounterVec   // kind, outcome: completed, failed, cancelled, snoozed
	JobRun            *prometheus.HistogramVec // kind
	JobQueueWait      *prometheus.HistogramVec // kind
	RulesAssessment   prometheus.Histogram
	Classifier        *prometheus.CounterVec // outcome: ok, error, timeout, invalid, circuit_open
	ModelLatency      prometheus.Histogram
	Assessments       *prometheus.CounterVec // urgency, source
	Decisions         *prometheus.CounterVec // action
	RedFlags          *prometheus.CounterVec // flag
	Answers           *prometheus.CounterVec // outcome: extractive, model, extractive_fallback, low_confidence, declined
	AnswerLatency     prometheus.Histogram
	Deliveries        *prometheus.CounterVec // provider, outcome: sent, failed, retry
	StatusReports     *prometheus.CounterVec // provider, state
}

// New registers the collectors, with Go runtime and process metrics, on a registry of their own.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	fast := []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	m := &Metrics{
		Registry: reg,
		HTTPRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		HTTPDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "triage_http_request_duration_seconds", Help: "HTTP request latency by method and route.", Buckets: fast,
		}, []string{"method", "route"}),
		MessagesIngested: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_messages_ingested_total", Help: "Inbound messages handed over, by channel and outcome.",
		}, []string{"channel", "outcome"}),
		MessagesLanguage: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_messages_by_language_total", Help: "Processed inbound messages by language and how it was chosen.",
		}, []string{"language", "source"}),
		LanguageDetection: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "triage_language_detection_seconds", Help: "Time to detect the language of one message.",
			Buckets: []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01},
		}),
		Jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_jobs_total", Help: "Background jobs worked, by kind and outcome.",
		}, []string{"kind", "outcome"}),
		JobRun: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "triage_job_run_seconds", Help: "Time a job spent running.", Buckets: fast,
		}, []string{"kind"}),
		JobQueueWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "triage_job_queue_wait_seconds", Help: "Time a job waited before it started.", Buckets: fast,
		}, []string{"kind"}),
		RulesAssessment: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "triage_rules_assessment_seconds", Help: "Time for the rules and lexicons to assess one message.",
			Buckets: []float64{.00005, .0001, .0002, .0005, .001, .0025, .005, .01},
		}),
		Classifier: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_classifier_calls_total", Help: "Model classifier calls by outcome.",
		}, []string{"outcome"}),
		ModelLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "triage_classifier_latency_seconds", Help: "Latency of successful model classifications.", Buckets: fast,
		}),
		Assessments: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_assessments_total", Help: "Assessed messages by urgency and by rules alone or with the model.",
		}, []string{"urgency", "source"}),
		Decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_decisions_total", Help: "Routing decisions by action.",
		}, []string{"action"}),
		RedFlags: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_red_flags_total", Help: "Current red flags found, by flag.",
		}, []string{"flag"}),
		Answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_kb_answers_total", Help: "Knowledge-base answers by outcome.",
		}, []string{"outcome"}),
		AnswerLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "triage_kb_answer_seconds", Help: "Time to search the knowledge base and compose an answer.", Buckets: fast,
		}),
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_deliveries_total", Help: "Outbound sending attempts by provider and outcome (sent, failed for good, retry).",
		}, []string{"provider", "outcome"}),
		StatusReports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_delivery_statuses_total", Help: "New delivery statuses reported by the providers, by provider and state.",
		}, []string{"provider", "state"}),
	}
	reg.MustRegister(m.HTTPRequests, m.HTTPDuration, m.MessagesIngested, m.MessagesLanguage,
		m.LanguageDetection, m.Jobs, m.JobRun, m.JobQueueWait, m.RulesAssessment, m.Classifier, m.ModelLatency,
		m.Assessments, m.Decisions, m.RedFlags, m.Answers, m.AnswerLatency, m.Deliveries, m.StatusReports)
	return m
}

// WatchJobs counts the jobs the client works until ctx ends. River reports them as events, so workers
// need no metric code of their own.
func (m *Metrics) WatchJobs(ctx context.Context, client *river.Client[pgx.Tx]) {
	events, cancel := client.SubscribeConfig(&river.SubscribeConfig{ChanSize: 10_000, Kinds: []river.EventKind{
		river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled, river.EventKindJobSnoozed,
	}})
	go func() {
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-events:
				if !ok {
					return
				}
				m.Jobs.WithLabelValues(ev.Job.Kind, jobOutcomes[ev.Kind]).Inc()
				if ev.JobStats != nil {
					m.JobRun.WithLabelValues(ev.Job.Kind).Observe(ev.JobStats.RunDuration.Seconds())
					m.JobQueueWait.WithLabelValues(ev.Job.Kind).Observe(ev.JobStats.QueueWaitDuration.Seconds())
				}
			}
		}
	}()
}

var jobOutcomes = map[river.EventKind]string{
	river.EventKindJobCompleted: "completed", river.EventKindJobFailed: "failed",
	river.EventKindJobCancelled: "cancelled", river.EventKindJobSnoozed: "snoozed",
}

// Since returns the seconds elapsed since start, for histograms.
func Since(start time.Time) float64 { return time.Since(start).Seconds() }
