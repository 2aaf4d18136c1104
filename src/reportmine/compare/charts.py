"""Charts for the comparative summary, as PNG bytes (matplotlib, no display needed)."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import pandas as pd  # noqa: E402


def heatmap_png(frame: pd.DataFrame, title: str, colour_label: str) -> bytes:
    """A rows × columns heatmap with values written in the cells, as PNG bytes;
    the colour scale runs from 0 to the largest value (at most 1)."""
    rows, cols = frame.shape
    fig, ax = plt.subplots(figsize=(max(6.0, 0.55 * cols + 3.5), max(2.5, 0.42 * rows + 2.2)),
                           dpi=110)
    values = frame.to_numpy(dtype=float)
    top = float(values.max()) if values.size and values.max() > 0 else 1.0
    image = ax.imshow(values, cmap="Blues", vmin=0.0, vmax=min(top, 1.0), aspect="auto")
    ax.set_xticks(range(cols), labels=list(frame.columns), rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(rows), labels=list(frame.index), fontsize=8)
    for (r, c), value in pd.DataFrame(values).stack().items():
        ax.text(c, r, f"{value:.2f}".lstrip("0") if value < 1 else "1", ha="center",
                va="center", fontsize=6.5, color="white" if value > 0.6 * top else "#1f2933")
    ax.set_title(title, fontsize=11, loc="left")
    fig.colorbar(image, ax=ax, fraction=0.025, pad=0.01, label=colour_label)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
