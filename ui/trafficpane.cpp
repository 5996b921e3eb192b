#include "trafficpane.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QVXYModelMapper>
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
    m_y->setMin(0);
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
    };
    for (const auto &line : lines) {
        auto *series = new QLineSeries(m_chart);
        series->setName(line.name);
        QPen pen(line.colour);
        pen.setWidth(2);
        series->setPen(pen);
        auto *mapper = new QVXYModelMapper(series);
        mapper->setXColumn(TrafficModel::MinuteColumn);
        mapper->setYColumn(line.column);
        mapper->setSeries(series);
        mapper->setModel(m_model);
        m_chart->addSeries(series);
        series->attachAxis(m_x);
        series->attachAxis(m_y);
    }
    m_view = new QChartView(m_chart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    layout->addWidget(m_view);

    connect(m_model, &QAbstractItemModel::dataChanged, this, &TrafficPane::updateAxes);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TrafficPane::updateAxes);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &TrafficPane::updateAxes);
    updateAxes();
}

void TrafficPane::updateAxes()
{
    const qint64 first = m_model->firstMinuteMs();
    m_x->setRange(QDateTime::fromMSecsSinceEpoch(first),
                  QDateTime::fromMSecsSinceEpoch(first + qint64(m_model->rowCount() - 1) * 60000));
    const int peak = m_model->peak();
    int top = 5;
    while (top < peak * 1.15) {
        top = top < 50 ? top + 5 : top * 2;
    }
    m_y->setRange(0, top);
}

} // namespace Maskline
