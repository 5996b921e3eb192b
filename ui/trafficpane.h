#pragma once

#include <utility>

#include <QList>
#include <QWidget>

#include "consolecontext.h"

class QChart;
class QLineSeries;
class QTimer;
class QChartView;
class QDateTimeAxis;
class QValueAxis;

namespace Maskline {

class TrafficModel;

// Traffic chart (Qt Charts): messages and calls per minute, debugger warnings and errors per minute, over the last
// hour, and the requests the rate limit refused. Each line is one column of the TrafficModel drawn as steps (a count
// per whole minute), on a y axis with whole-number ticks.
class TrafficPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficPane)

public:
    explicit TrafficPane(const ConsoleContext &context, QWidget *parent = nullptr);
    TrafficModel *model() const { return m_model; }
    QChart *chart() const { return m_chart; }
    // The y axis' tick step for a peak count: 1, 2, 5, 10, 20, 50, … so that at most about six ticks are needed.
    static int tickStep(int peak);

private:
    void redraw();

    TrafficModel *m_model = nullptr;
    QChart *m_chart = nullptr;
    QChartView *m_view = nullptr;
    QDateTimeAxis *m_x = nullptr;
    QValueAxis *m_y = nullptr;
    QTimer *m_redraw = nullptr;
    QList<std::pair<int, QLineSeries *>> m_series; // model column, its line
};

} // namespace Maskline
