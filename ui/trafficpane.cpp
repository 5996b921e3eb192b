#include "trafficpane.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include "storereader.h"
#include "trafficmodel.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

TrafficPane::TrafficPane(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_model(new TrafficModel(context.backgroundReader(), context.clock, TrafficModel::DEFAULT_WINDOW_MINUTES, this))
{
    auto *layout = new QVBoxLayout(this);
    m_chart = new QChart;
    m_chart->setTitle(tr("Traffic per minute, last hour"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_x = new QDateTimeAxis(m_chart);
    m_x->setFormat(u"HH:mm"_s);
    m_x->setTickCount(7);
    m_y = new QValueAxis(m_chart);
    m_y->setLabelFormat(u"%d"_s);
    m_y->setTickType(QValueAxis::TicksDynamic);
    m_y->setTickAnchor(0);
    m_y->setMin(0);
    m_y->setTitleText(tr("per minute"));
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);

    const struct
    {
        int column;
        QString name;
        QColor colour;
    } lines[] = {
        {TrafficModel::MessagesColumn, tr("Messages"), QColor(0x15, 0x65, 0xc0)},
        {TrafficModel::CallsColumn, tr("Calls"), QColor(0x2e, 0x7d, 0x32)},
        {TrafficModel::WarningsColumn, tr("Debugger warnings"), QColor(0xef, 0x8f, 0x00)},
        {TrafficModel::ErrorsColumn, tr("Debugger errors"), QColor(0xc6, 0x28, 0x28)},
        {TrafficModel::RefusedColumn, tr("Refused (rate limit)"), QColor(0x6a, 0x1b, 0x9a)},
    };
    for (const auto &line : lines) {
        auto *series = new QLineSeries(m_chart);
        series->setName(line.name);
        QPen pen(line.colour);
        pen.setWidth(2);
        series->setPen(pen);
        m_chart->addSeries(series);
        series->attachAxis(m_x);
        series->attachAxis(m_y);
        m_series.append({line.column, series});
    }
    m_view = new QChartView(m_chart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setAccessibleName(tr("Traffic chart"));
    layout->addWidget(m_view);

    // Many changes in one turn of the event loop (a burst of traffic) redraw once.
    m_redraw = new QTimer(this);
    m_redraw->setSingleShot(true);
    m_redraw->setInterval(0);
    connect(m_redraw, &QTimer::timeout, this, &TrafficPane::redraw);
    connect(m_model, &QAbstractItemModel::modelReset, m_redraw, qOverload<>(&QTimer::start));
    connect(m_model, &QAbstractItemModel::rowsInserted, m_redraw, qOverload<>(&QTimer::start));
    connect(m_model, &QAbstractItemModel::rowsRemoved, m_redraw, qOverload<>(&QTimer::start));
    connect(m_model, &QAbstractItemModel::dataChanged, m_redraw, qOverload<>(&QTimer::start));
    redraw();
}

int TrafficPane::tickStep(int peak)
{
    // 1, 2, 5, 10, 20, 50, …: whole numbers, at most about six ticks above zero.
    int step = 1;
    for (int magnitude = 1;; magnitude *= 10) {
        for (int f : {1, 2, 5}) {
            step = f * magnitude;
            if (qint64(step) * 6 >= peak) {
                return step;
            }
        }
    }
}

void TrafficPane::redraw()
{
    // A minute's count holds for the whole minute: each bucket is drawn as a flat step from its start to the next
    // minute's, not a slope between two instants that suggests traffic in between.
    const int rows = m_model->rowCount();
    for (const auto &[column, series] : std::as_const(m_series)) {
        QList<QPointF> points;
        points.reserve(rows * 2);
        for (int row = 0; row < rows; ++row) {
            const qreal start = m_model->data(m_model->index(row, TrafficModel::MinuteColumn)).toDouble();
            const qreal count = m_model->data(m_model->index(row, column)).toDouble();
            points.append({start, count});
            points.append({start + 60000.0, count});
        }
        series->replace(points);
    }
    const qint64 first = m_model->firstMinuteMs();
    m_x->setRange(QDateTime::fromMSecsSinceEpoch(first), QDateTime::fromMSecsSinceEpoch(first + qint64(rows) * 60000));
    const int peak = std::max(1, m_model->peak());
    const int step = tickStep(peak);
    int top = step;
    while (top < peak) {
        top += step;
    }
    m_y->setTickInterval(step);
    m_y->setRange(0, top);
}

} // namespace Maskline
