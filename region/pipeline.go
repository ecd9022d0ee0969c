package region

type pipeline struct {
	w   *World
	cfg ClientConfig
}

func (p *pipeline) init(w *World, cfg ClientConfig) { p.w, p.cfg = w, cfg }
