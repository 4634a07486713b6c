package sentiment

// Directions of a conversation's trend.
const (
	Improving = "improving"
	Worsening = "worsening"
	Steady    = "steady"
)

// trendWindow is how many of the latest messages the trend reads.
const trendWindow = 5

// Trend is how a conversation's sentiment moves over its latest messages.
type Trend struct {
	Direction   string  `json:"direction"`
	Mean        float64 `json:"mean"`
	Last        float64 `json:"last"`
	NegativeRun int     `json:"negative_run"` // negative messages in a row, up to the latest
}

// TrendOf reads the scores of a conversation's inbound messages, oldest first.
func TrendOf(scores []float64) Trend {
	if len(scores) > trendWindow {
		scores = scores[len(scores)-trendWindow:]
	}
	tr := Trend{Direction: Steady}
	if len(scores) == 0 {
		return tr
	}
	for _, s := range scores {
		tr.Mean += s / float64(len(scores))
	}
	tr.Last = scores[len(scores)-1]
	for i := len(scores) - 1; i >= 0 && Label(scores[i]) == Negative; i-- {
		tr.NegativeRun++
	}
	if len(scores) >= 2 {
		// The least-squares slope, per message.
		n := float64(len(scores))
		var sx, sy, sxy, sxx float64
		for i, s := range scores {
			x := float64(i)
			sx, sy, sxy, sxx = sx+x, sy+s, sxy+x*s, sxx+x*x
		}
		slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
		switch {
		case slope <= -0.1:
			tr.Direction = Worsening
		case slope >= 0.1:
			tr.Direction = Improving
		}
	}
	return tr
}
