#pragma once

#include <QWidget>

#include "consolecontext.h"

class QChart;
class QChartView;
class QDateTimeAxis;
class QValueAxis;

namespace Maskline {

class TrafficModel;

// Traffic chart (Qt Charts): messages and calls per minute, debugger warnings and errors per minute, over the last
// hour. Each line is a QVXYModelMapper over one column of the TrafficModel.
class TrafficPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficPane)

public:
    explicit TrafficPane(const ConsoleContext &context, QWidget *parent = nullptr);
    TrafficModel *model() const { return m_model; }

private:
    void updateAxes();

    TrafficModel *m_model = nullptr;
    QChart *m_chart = nullptr;
    QChartView *m_view = nullptr;
    QDateTimeAxis *m_x = nullptr;
    QValueAxis *m_y = nullptr;
};

} // namespace Maskline
